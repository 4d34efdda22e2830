import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { Role } from '../operators/access';
import { VoucherCodeMask } from '../accounts/voucher-code-mask';
import { SessionQuery } from './session.dto';
import { SessionsQueryService } from './sessions.query.service';

@ApiTags('sessions')
@AdminApi()
@Controller('api/sessions')
export class SessionsController {
  constructor(
    private readonly service: SessionsQueryService,
    private readonly mask: VoucherCodeMask,
  ) {}

  @Role('readonly') @Get() list(@Query() q: SessionQuery) {
    return this.service.list(q).then((p) => this.mask.page(p));
  }

  @Role('readonly') @Get(':id') get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id).then((s) => this.mask.one(s));
  }
}
