import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { AccountQuery, AccountView, CreateAccountDto, RestrictionParams, SetPasswordDto, UpdateAccountDto } from './account.dto';
import { AccountsService } from './accounts.service';
import { VoucherCodeMask } from './voucher-code-mask';

@ApiTags('accounts')
@AdminApi()
@Controller('api')
export class AccountsController {
  constructor(
    private readonly service: AccountsService,
    private readonly mask: VoucherCodeMask,
  ) {}

  @Role('admin')
  @Post('customers/:id/accounts')
  @ApiCreatedResponse({ type: AccountView })
  create(@Param('id', ParseUUIDPipe) customerId: string, @Body() dto: CreateAccountDto) {
    return this.service.create(customerId, dto);
  }

  @Role('readonly')
  @Get('customers/:id/accounts')
  listForCustomer(@Param('id', ParseUUIDPipe) customerId: string, @Query() q: AccountQuery) {
    return this.service.listForCustomer(customerId, q).then((p) => this.mask.page(p));
  }

  @Role('readonly')
  @Get('accounts')
  list(@Query() q: AccountQuery) {
    return this.service.list(q).then((p) => this.mask.page(p));
  }

  @Role('readonly')
  @Get('accounts/:id')
  @ApiOkResponse({ type: AccountView })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id).then((a) => this.mask.one(a));
  }

  @Role('admin')
  @Patch('accounts/:id')
  @ApiOkResponse({ type: AccountView })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateAccountDto) {
    return this.service.update(id, dto).then((a) => this.mask.one(a));
  }

  @Role('support')
  @Put('accounts/:id/password')
  @ApiOkResponse({ type: AccountView, description: "Sets the device's password (what support may change)" })
  setPassword(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPasswordDto) {
    return this.service.setPassword(id, dto.password).then((a) => this.mask.one(a));
  }

  @Role('support')
  @Delete('accounts/:id/restrictions/:flag')
  @ApiOkResponse({ type: AccountView, description: 'Removes one restriction flag (what support may clear)' })
  @ApiNotFoundResponse({ description: 'No such account, or it does not have this flag' })
  clearRestriction(@Param() p: RestrictionParams) {
    return this.service.clearRestriction(p.id, p.flag).then((a) => this.mask.one(a));
  }

  @Role('admin')
  @Delete('accounts/:id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
