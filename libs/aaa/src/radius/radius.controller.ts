import { Body, Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RadiusApi } from '../common/auth.guards';
import { RadiusAnswer, RadiusEndpoints } from './radius-endpoints.service';
import type { RawQuery } from './radius-params';

interface StatusReply {
  status(code: number): unknown;
}

/**
 * The rlm_rest endpoints on the main port, for setups that point FreeRADIUS there.
 * FreeRADIUS normally calls the dedicated RADIUS listener (radius-listener.ts), which
 * serves the same paths from the same RadiusEndpoints at a fraction of the CPU.
 */
@ApiExcludeController()
@RadiusApi()
@Controller('radius')
export class RadiusController {
  constructor(private readonly endpoints: RadiusEndpoints) {}

  @Post('authorize')
  @HttpCode(200)
  async authorize(@Query() q: RawQuery, @Body() body: unknown, @Res({ passthrough: true }) reply: StatusReply) {
    return send(reply, await this.endpoints.authorize(q, body));
  }

  @Post('post-auth')
  async postAuth(@Query() q: RawQuery, @Body() body: unknown, @Res({ passthrough: true }) reply: StatusReply) {
    return send(reply, await this.endpoints.postAuth(q, body));
  }

  @Post('accounting')
  async account(@Query() q: RawQuery, @Body() body: unknown, @Res({ passthrough: true }) reply: StatusReply) {
    return send(reply, await this.endpoints.accounting(q, body));
  }

  @Post('clients')
  async client(@Query() q: RawQuery, @Res({ passthrough: true }) reply: StatusReply) {
    return send(reply, await this.endpoints.client(q));
  }
}

function send(reply: StatusReply, answer: RadiusAnswer) {
  reply.status(answer.status);
  return answer.body;
}
