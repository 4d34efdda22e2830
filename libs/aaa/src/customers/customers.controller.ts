import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { PageQuery } from '../common/pagination';
import { CreateCustomerDto, UpdateCustomerDto } from './customer.dto';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@AdminApi()
@Controller('api/customers')
export class CustomersController {
  constructor(private readonly service: CustomersService) {}

  @Role('admin') @Post() create(@Body() dto: CreateCustomerDto) {
    return this.service.create(dto);
  }

  @Role('readonly') @Get() list(@Query() q: PageQuery) {
    return this.service.list(q);
  }

  @Role('readonly') @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Role('admin') @Patch(':id') update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCustomerDto) {
    return this.service.update(id, dto);
  }

  @Role('admin') @Delete(':id') @HttpCode(204) remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
