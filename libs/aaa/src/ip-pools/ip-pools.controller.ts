import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { PageQuery } from '../common/pagination';
import { CreateIpPoolDto } from './ip-pool.dto';
import { IpPoolsService } from './ip-pools.service';

@ApiTags('ip-pools')
@AdminApi()
@Controller('api/ip-pools')
export class IpPoolsController {
  constructor(private readonly service: IpPoolsService) {}

  @Post() create(@Body() dto: CreateIpPoolDto) {
    return this.service.create(dto);
  }

  @Get() list(@Query() q: PageQuery) {
    return this.service.list(q);
  }

  @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Delete(':id') @HttpCode(204) remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
