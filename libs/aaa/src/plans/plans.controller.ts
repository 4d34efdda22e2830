import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { PageQuery } from '../common/pagination';
import { Role } from '../operators/access';
import { CreatePlanDto, UpdatePlanDto } from './plan.dto';
import { PlansService } from './plans.service';

@ApiTags('plans')
@AdminApi()
@Controller('api/plans')
export class PlansController {
  constructor(private readonly service: PlansService) {}

  @Role('admin') @Post() create(@Body() dto: CreatePlanDto) {
    return this.service.create(dto);
  }

  @Role('readonly') @Get() list(@Query() q: PageQuery) {
    return this.service.list(q);
  }

  @Role('readonly') @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Role('admin') @Patch(':id') update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePlanDto) {
    return this.service.update(id, dto);
  }

  @Role('admin') @Delete(':id') @HttpCode(204) remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
