import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { SessionQuery } from './session.dto';
import { SessionsQueryService } from './sessions.query.service';

@ApiTags('sessions')
@AdminApi()
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly service: SessionsQueryService) {}

  @Role('readonly') @Get() list(@Query() q: SessionQuery) {
    return this.service.list(q);
  }

  @Role('readonly') @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }
}
