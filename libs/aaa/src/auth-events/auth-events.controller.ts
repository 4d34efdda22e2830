import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../common/auth.guards';
import { VoucherCodeMask } from '../accounts/voucher-code-mask';
import { Role } from '../operators/access';
import { AuthEventQuery, AuthEventsService } from './auth-events.service';

@ApiTags('auth-events')
@AdminApi()
@Controller('api/auth-events')
export class AuthEventsController {
  constructor(
    private readonly service: AuthEventsService,
    private readonly mask: VoucherCodeMask,
  ) {}

  @Role('readonly') @Get() list(@Query() q: AuthEventQuery) {
    return this.service.list(q).then((p) => this.mask.page(p));
  }
}
