import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { PageQuery } from '../common/pagination';
import { CreateRouterDto, RouterView, RouterWithSecrets, UpdateRouterDto } from './router.dto';
import { RoutersService } from './routers.service';

@ApiTags('routers')
@AdminApi()
@Controller('api/routers')
export class RoutersController {
  constructor(private readonly service: RoutersService) {}

  @Role('admin')
  @Post()
  @ApiCreatedResponse({ type: RouterWithSecrets, description: 'radiusSecret and token are shown only here' })
  create(@Body() dto: CreateRouterDto) {
    return this.service.create(dto);
  }

  @Role('readonly') @Get() list(@Query() q: PageQuery) {
    return this.service.list(q);
  }

  @Role('readonly') @Get(':id') @ApiOkResponse({ type: RouterView }) get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Role('admin')
  @Patch(':id')
  @ApiOkResponse({ type: RouterView })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateRouterDto) {
    return this.service.update(id, dto);
  }

  @Role('admin') @Post(':id/token') rotateToken(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.rotateToken(id);
  }

  @Role('admin') @Delete(':id') @HttpCode(204) remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
