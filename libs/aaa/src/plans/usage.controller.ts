import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { UsageQuery, UsageView } from './usage.dto';
import { UsageService } from './usage.service';

@ApiTags('accounts')
@AdminApi()
@Controller('api/accounts')
export class UsageController {
  constructor(private readonly service: UsageService) {}

  @Role('readonly')
  @Get(':id/usage')
  @ApiOkResponse({ type: UsageView, description: "The account's usage in its plan's current period, or in ?period=" })
  usage(@Param('id', ParseUUIDPipe) id: string, @Query() q: UsageQuery) {
    return this.service.forAccount(id, q.period);
  }
}
