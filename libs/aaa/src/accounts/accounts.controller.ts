import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { AccountQuery, AccountView, CreateAccountDto, UpdateAccountDto } from './account.dto';
import { AccountsService } from './accounts.service';

@ApiTags('accounts')
@AdminApi()
@Controller('api')
export class AccountsController {
  constructor(private readonly service: AccountsService) {}

  @Post('customers/:id/accounts')
  @ApiCreatedResponse({ type: AccountView })
  create(@Param('id', ParseUUIDPipe) customerId: string, @Body() dto: CreateAccountDto) {
    return this.service.create(customerId, dto);
  }

  @Get('customers/:id/accounts')
  listForCustomer(@Param('id', ParseUUIDPipe) customerId: string, @Query() q: AccountQuery) {
    return this.service.listForCustomer(customerId, q);
  }

  @Get('accounts')
  list(@Query() q: AccountQuery) {
    return this.service.list(q);
  }

  @Get('accounts/:id')
  @ApiOkResponse({ type: AccountView })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Patch('accounts/:id')
  @ApiOkResponse({ type: AccountView })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateAccountDto) {
    return this.service.update(id, dto);
  }

  @Delete('accounts/:id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
