import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { PageQuery } from '../common/pagination';
import { CreateIpPoolDto } from './ip-pool.dto';
import { IpPoolsService } from './ip-pools.service';

@ApiTags('ip-pools')
@AdminApi()
@Controller('api/ip-pools')
export class IpPoolsController {
  constructor(private readonly service: IpPoolsService) {}

  @Role('admin') @Post() create(@Body() dto: CreateIpPoolDto) {
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
