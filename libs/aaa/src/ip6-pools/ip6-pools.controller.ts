import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { PageQuery } from '../common/pagination';
import { Role } from '../operators/access';
import { CreateIp6PoolDto } from './ip6-pool.dto';
import { Ip6PoolsService } from './ip6-pools.service';

@ApiTags('ip6-pools')
@AdminApi()
@Controller('api/ip6-pools')
export class Ip6PoolsController {
  constructor(private readonly service: Ip6PoolsService) {}

  @Role('admin') @Post() create(@Body() dto: CreateIp6PoolDto) {
    return this.service.create(dto);
  }

  @Role('readonly') @Get() list(@Query() q: PageQuery) {
    return this.service.list(q);
  }

  @Role('readonly') @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Role('admin') @Delete(':id') @HttpCode(204) remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
