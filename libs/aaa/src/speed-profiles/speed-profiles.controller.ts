import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { PageQuery } from '../common/pagination';
import { CreateSpeedProfileDto, UpdateSpeedProfileDto } from './speed-profile.dto';
import { SpeedProfilesService } from './speed-profiles.service';

@ApiTags('speed-profiles')
@AdminApi()
@Controller('api/speed-profiles')
export class SpeedProfilesController {
  constructor(private readonly service: SpeedProfilesService) {}

  @Role('admin') @Post() create(@Body() dto: CreateSpeedProfileDto) {
    return this.service.create(dto);
  }

  @Role('readonly') @Get() list(@Query() q: PageQuery) {
    return this.service.list(q);
  }

  @Role('readonly') @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Role('admin') @Patch(':id') update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSpeedProfileDto) {
    return this.service.update(id, dto);
  }

  @Role('admin') @Delete(':id') @HttpCode(204) remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.remove(id);
  }
}
