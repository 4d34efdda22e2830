import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Clock } from '../common/clock';
import { RouterDirectory } from '../routers/router-directory.service';
import { clientAttributes } from './snapshot/router-snapshot';
import { AccountingService } from './accounting.service';
import { AuthorizeService } from './authorize.service';
import { ipParam, postAuthParams, RawQuery } from './radius-params';
import { normalizeMac, toAccessRequest, toAccountingPacket } from './radius-request';
import { encodeAttributes, first, MalformedBodyError, parseAttributes, RestResponse } from './rlm-rest.codec';

const requests = new Counter({
  name: 'radius_requests_total',
  help: 'rlm_rest calls by endpoint and outcome',
  labelNames: ['endpoint', 'outcome'],
});

export interface RadiusAnswer {
  status: number;
  body?: RestResponse;
}

const NO_CONTENT: RadiusAnswer = { status: 204 };

function attrsOf(body: unknown) {
  try {
    return parseAttributes(body);
  } catch (err) {
    if (err instanceof MalformedBodyError) throw new BadRequestException(err.message);
    throw err;
  }
}

/**
 * What each rlm_rest call does, independent of the HTTP server carrying it: the
 * dedicated RADIUS listener (radius-listener.ts) and the Nest controller on the main
 * port both call these. Errors are Nest HttpExceptions; both transports map them.
 * See freeradius/README.md for the wiring.
 */
@Injectable()
export class RadiusEndpoints {
  private readonly log = new Logger(RadiusEndpoints.name);

  constructor(
    private readonly authorizer: AuthorizeService,
    private readonly store: AccountingService,
    private readonly routers: RouterDirectory,
    private readonly clock: Clock,
  ) {}

  async authorize(query: RawQuery, body: unknown): Promise<RadiusAnswer> {
    const nas = ipParam(query, 'nas');
    const req = toAccessRequest(attrsOf(body));
    if (!req) throw new BadRequestException('User-Name is required');
    const outcome = await this.authorizer.authorize(req, await this.routers.findByIp(nas));
    requests.inc({ endpoint: 'authorize', outcome: outcome.status === 200 ? 'continue' : 'reject' });
    return outcome;
  }

  async postAuth(query: RawQuery, body: unknown): Promise<RadiusAnswer> {
    const q = postAuthParams(query);
    const attrs = attrsOf(body);
    this.authorizer.recordPostAuth({
      username: first(attrs, 'User-Name') ?? '',
      router: await this.routers.findByIp(q.nas),
      mac: normalizeMac(first(attrs, 'Calling-Station-Id')),
      result: q.result,
      reason: q.reason,
    });
    requests.inc({ endpoint: 'post-auth', outcome: q.result });
    return NO_CONTENT;
  }

  /**
   * 204 once durable. Packets that can never be stored are logged and acknowledged
   * (2xx), because a 4xx would make FreeRADIUS and the NAS retry them forever.
   */
  async accounting(query: RawQuery, body: unknown): Promise<RadiusAnswer> {
    const nas = ipParam(query, 'nas');
    const attrs = attrsOf(body);
    const router = (await this.routers.findByIp(nas)) ?? (await this.byNasIdentifier(first(attrs, 'NAS-Identifier')));
    const packet = toAccountingPacket(attrs, this.clock.now());
    if (!router || !packet) {
      this.log.warn(`unusable accounting packet from ${nas} dropped (${!router ? 'unknown NAS' : 'no Acct-Status-Type'})`);
      requests.inc({ endpoint: 'accounting', outcome: 'dropped' });
      return NO_CONTENT;
    }
    await this.store.ingest(router, packet);
    requests.inc({ endpoint: 'accounting', outcome: 'stored' });
    return NO_CONTENT;
  }

  /**
   * Dynamic clients: FreeRADIUS asks about unknown source IPs; 404 makes it drop the packet.
   * The same definition goes into the router snapshot (radius/snapshot) FreeRADIUS falls back on.
   */
  async client(query: RawQuery): Promise<RadiusAnswer> {
    const ip = ipParam(query, 'ip');
    const router = await this.routers.findByIp(ip);
    if (!router) throw new NotFoundException('No router with this nasIp');
    return { status: 200, body: encodeAttributes(clientAttributes(ip, router, this.routers.radiusSecret(router))) };
  }

  private byNasIdentifier(id: string | undefined) {
    return id ? this.routers.findByNasIdentifier(id) : Promise.resolve(null);
  }
}
