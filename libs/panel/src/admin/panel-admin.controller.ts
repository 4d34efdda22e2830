import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminApi, AppConfig, RequestViewer, Role } from '@app/aaa';
import { CreatePanelInviteDto, PanelAccessView, PanelInviteView, SetPanelPasswordDto } from './panel-admin.dto';
import { PanelAccessService } from './panel-access.service';

/** The admin side of the customer panel: a customer's sign-in. */
@ApiTags('customer panel')
@AdminApi()
@Controller('api/customers/:id')
export class PanelAdminController {
  constructor(
    private readonly service: PanelAccessService,
    private readonly viewer: RequestViewer,
    private readonly config: AppConfig,
  ) {}

  @Role('readonly')
  @Get('panel')
  @ApiOkResponse({ type: PanelAccessView })
  @ApiNotFoundResponse({ description: 'Unknown customer' })
  status(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.status(id);
  }

  @Role('admin')
  @Post('panel-password')
  @HttpCode(200)
  @ApiOkResponse({ type: PanelAccessView, description: 'Set; every signed-in browser of the customer is signed out' })
  @ApiConflictResponse({ description: 'Another customer signs in with this email' })
  setPassword(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPanelPasswordDto) {
    return this.service.setPassword(id, dto);
  }

  @Role('admin')
  @Post('panel-invite')
  @ApiCreatedResponse({ type: PanelInviteView, description: 'The one-time link, shown once' })
  @ApiConflictResponse({ description: 'Another customer signs in with this email' })
  invite(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreatePanelInviteDto, @Req() req: FastifyRequest) {
    // PUBLIC_URL when set; else the address this request came in on, as the browser would use it.
    const view = this.viewer.view(req);
    return this.service.invite(id, dto ?? {}, this.config.publicUrl ?? view.origin + view.pathPrefix);
  }

  @Role('admin')
  @Post('panel-unlock')
  @HttpCode(200)
  @ApiOkResponse({ type: PanelAccessView, description: 'Failed sign-ins forgotten, lockout lifted' })
  unlock(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.unlock(id);
  }

  @Role('admin')
  @Delete('panel')
  @HttpCode(204)
  @ApiNotFoundResponse({ description: 'Unknown customer' })
  revoke(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.revoke(id);
  }
}
