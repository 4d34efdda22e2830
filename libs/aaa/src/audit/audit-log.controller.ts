import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { AuditEntryPage, AuditLogQuery } from './audit.dto';
import { AuditQueryService } from './audit-query.service';

@ApiTags('audit-log')
@AdminApi()
@Controller('api/audit-log')
export class AuditLogController {
  constructor(private readonly service: AuditQueryService) {}

  @Get()
  @Role('admin')
  @ApiOkResponse({ type: AuditEntryPage, description: 'Newest first' })
  list(@Query() q: AuditLogQuery) {
    return this.service.list(q);
  }
}
