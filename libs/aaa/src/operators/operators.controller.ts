import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { PageQuery } from '../common/pagination';
import { Role } from './access';
import { OperatorRequest } from './operator.guard';
import { CreatedTokenView, CreateOperatorDto, CreateTokenDto, OperatorView, UpdateOperatorDto, WhoAmIView } from './operator.dto';
import { OperatorTokensService } from './operator-tokens.service';
import { OperatorsService } from './operators.service';

@ApiTags('operators')
@AdminApi()
@Controller('api/operators')
export class OperatorsController {
  constructor(
    private readonly operators: OperatorsService,
    private readonly tokens: OperatorTokensService,
  ) {}

  @Post()
  @Role('owner')
  @ApiCreatedResponse({ type: OperatorView })
  @ApiConflictResponse({ description: 'Email already in use' })
  create(@Body() dto: CreateOperatorDto) {
    return this.operators.create(dto);
  }

  @Get()
  @Role('owner')
  list(@Query() q: PageQuery) {
    return this.operators.list(q);
  }

  @Get(':id')
  @Role('owner')
  @ApiOkResponse({ type: OperatorView })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.operators.get(id);
  }

  @Patch(':id')
  @Role('owner')
  @ApiOkResponse({ type: OperatorView })
  @ApiConflictResponse({ description: 'Email already in use, or the last owner would be demoted' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateOperatorDto) {
    return this.operators.update(id, dto);
  }

  @Delete(':id')
  @Role('owner')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; its tokens stop working on every instance' })
  @ApiConflictResponse({ description: 'The last owner cannot be deleted' })
  remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.operators.remove(id);
  }

  @Post(':id/tokens')
  @Role('owner')
  @ApiCreatedResponse({ type: CreatedTokenView, description: 'The token is in this answer only; keep it now' })
  createToken(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateTokenDto) {
    return this.tokens.create(id, dto);
  }

  @Get(':id/tokens')
  @Role('owner')
  listTokens(@Param('id', ParseUUIDPipe) id: string, @Query() q: PageQuery) {
    return this.tokens.list(id, q);
  }

  @Delete(':id/tokens/:tokenId')
  @Role('owner')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: refused on every instance from now on' })
  @ApiNotFoundResponse()
  revokeToken(@Param('id', ParseUUIDPipe) id: string, @Param('tokenId', ParseUUIDPipe) tokenId: string) {
    return this.tokens.revoke(id, tokenId);
  }
}

/** Who the token in use belongs to: for scripts and dashboards to check their credentials. */
@ApiTags('operators')
@AdminApi()
@Controller('api/me')
export class WhoAmIController {
  @Get()
  @Role('readonly')
  @ApiOkResponse({ type: WhoAmIView })
  whoAmI(@Req() req: OperatorRequest): WhoAmIView {
    const p = req.operator!;
    return { type: p.type, role: p.role, operatorId: p.operatorId, name: p.name, tokenId: p.tokenId, tokenPrefix: p.tokenPrefix };
  }
}
