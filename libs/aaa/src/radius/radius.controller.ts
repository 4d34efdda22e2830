import { BadRequestException, Body, Controller, HttpCode, Logger, NotFoundException, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Counter } from 'prom-client';
import { RadiusApi } from '../common/auth.guards';
import { Clock } from '../common/clock';
import { RouterDirectory } from '../routers/router-directory.service';
import { AccountingService } from './accounting.service';
import { AuthorizeService } from './authorize.service';
import { IpParamPipe, PostAuthQuery } from './radius.dto';
import { toAccessRequest, toAccountingPacket, normalizeMac } from './radius-request';
import { encodeAttributes, first, MalformedBodyError, parseAttributes, RestResponse } from './rlm-rest.codec';

const requests = new Counter({
  name: 'radius_requests_total',
  help: 'rlm_rest calls by endpoint and outcome',
  labelNames: ['endpoint', 'outcome'],
});

interface StatusReply {
  status(code: number): unknown;
}

function attrsOf(body: unknown) {
  try {
    return parseAttributes(body);
  } catch (err) {
    if (err instanceof MalformedBodyError) throw new BadRequestException(err.message);
    throw err;
  }
}

/** The rlm_rest endpoints FreeRADIUS calls. See freeradius/README.md for the wiring. */
@ApiExcludeController()
@RadiusApi()
@Controller('radius')
export class RadiusController {
  private readonly log = new Logger(RadiusController.name);

  constructor(
    private readonly authorizer: AuthorizeService,
    private readonly accounting: AccountingService,
    private readonly routers: RouterDirectory,
    private readonly clock: Clock,
  ) {}

  @Post('authorize')
  async authorize(
    @Query('nas', new IpParamPipe('nas')) nas: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<RestResponse> {
    const req = toAccessRequest(attrsOf(body));
    if (!req) throw new BadRequestException('User-Name is required');
    const outcome = await this.authorizer.authorize(req, await this.routers.findByIp(nas));
    requests.inc({ endpoint: 'authorize', outcome: outcome.status === 200 ? 'continue' : 'reject' });
    reply.status(outcome.status);
    return outcome.body;
  }

  @Post('post-auth')
  @HttpCode(204)
  async postAuth(@Query() q: PostAuthQuery, @Body() body: unknown): Promise<void> {
    const attrs = attrsOf(body);
    this.authorizer.recordPostAuth({
      username: first(attrs, 'User-Name') ?? '',
      router: await this.routers.findByIp(q.nas),
      mac: normalizeMac(first(attrs, 'Calling-Station-Id')),
      result: q.result,
      reason: q.reason,
    });
    requests.inc({ endpoint: 'post-auth', outcome: q.result });
  }

  /**
   * 204 once durable. Packets that can never be stored are logged and acknowledged
   * (2xx), because a 4xx would make FreeRADIUS and the NAS retry them forever.
   */
  @Post('accounting')
  @HttpCode(204)
  async account(@Query('nas', new IpParamPipe('nas')) nas: string, @Body() body: unknown): Promise<void> {
    const attrs = attrsOf(body);
    const router = (await this.routers.findByIp(nas)) ?? (await this.byNasIdentifier(first(attrs, 'NAS-Identifier')));
    const packet = toAccountingPacket(attrs, this.clock.now());
    if (!router || !packet) {
      this.log.warn(`unusable accounting packet from ${nas} dropped (${!router ? 'unknown NAS' : 'no Acct-Status-Type'})`);
      requests.inc({ endpoint: 'accounting', outcome: 'dropped' });
      return;
    }
    await this.accounting.ingest(router, packet);
    requests.inc({ endpoint: 'accounting', outcome: 'stored' });
  }

  /** Dynamic clients: FreeRADIUS asks about unknown source IPs; 404 makes it drop the packet. */
  @Post('clients')
  @HttpCode(200)
  async client(@Query('ip', new IpParamPipe('ip')) ip: string): Promise<RestResponse> {
    const router = await this.routers.findByIp(ip);
    if (!router) throw new NotFoundException('No router with this nasIp');
    return encodeAttributes({
      'control:FreeRADIUS-Client-IP-Address': ip,
      'control:FreeRADIUS-Client-Secret': this.routers.radiusSecret(router),
      'control:FreeRADIUS-Client-Shortname': router.id,
      'control:FreeRADIUS-Client-NAS-Type': 'other',
    });
  }

  private byNasIdentifier(id: string | undefined) {
    return id ? this.routers.findByNasIdentifier(id) : Promise.resolve(null);
  }
}
