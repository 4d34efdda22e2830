import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Clock } from '../common/clock';
import { isRefusedValue } from '../common/db-errors';
import { isStorableText } from '../common/text';
import { DeadLetterKind } from '../dead-letters/dead-letter.entity';
import { DeadLettersService } from '../dead-letters/dead-letters.service';
import { Router } from '../routers/router.entity';
import { RouterDirectory } from '../routers/router-directory.service';
import { clientAttributes } from './snapshot/router-snapshot';
import { AccountingService } from './accounting.service';
import { AuthorizeService } from './authorize.service';
import { AttributeSchema, AUTHORIZE_ATTRIBUTES, checkAttributes, POST_AUTH_ATTRIBUTES } from './radius-attributes';
import { ipParam, postAuthParams, RawQuery } from './radius-params';
import { normalizeMac, parseAccounting, toAccessRequest } from './radius-request';
import { AttrMap, encodeAttributes, first, MalformedBodyError, parseAttributes, RestResponse } from './rlm-rest.codec';

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

function attrsOf(body: unknown, schema?: AttributeSchema): AttrMap {
  let attrs: AttrMap;
  try {
    attrs = parseAttributes(body);
  } catch (err) {
    if (err instanceof MalformedBodyError) throw new BadRequestException(err.message);
    throw err;
  }
  const problem = schema && checkAttributes(attrs, schema);
  if (problem) throw new BadRequestException(problem);
  return attrs;
}

/**
 * What each rlm_rest call does, independent of the HTTP server carrying it: the
 * dedicated RADIUS listener (radius-listener.ts) and the Nest controller on the main
 * port both call these. Errors are Nest HttpExceptions; both transports map them.
 * See freeradius/README.md for the wiring.
 */
@Injectable()
export class RadiusEndpoints {
  constructor(
    private readonly authorizer: AuthorizeService,
    private readonly store: AccountingService,
    private readonly routers: RouterDirectory,
    private readonly deadLetters: DeadLettersService,
    private readonly clock: Clock,
  ) {}

  async authorize(query: RawQuery, body: unknown): Promise<RadiusAnswer> {
    const nas = ipParam(query, 'nas');
    // Out of range: 400, which FreeRADIUS turns into a reject.
    const req = toAccessRequest(attrsOf(body, AUTHORIZE_ATTRIBUTES));
    if (!req) throw new BadRequestException('User-Name is required');
    const outcome = await this.authorizer.authorize(req, await this.routers.findByIp(nas));
    requests.inc({ endpoint: 'authorize', outcome: outcome.status === 200 ? 'continue' : 'reject' });
    return outcome;
  }

  async postAuth(query: RawQuery, body: unknown): Promise<RadiusAnswer> {
    const q = postAuthParams(query);
    const attrs = attrsOf(body, POST_AUTH_ATTRIBUTES);
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
   * 204 once durable. A packet that can never be stored is acknowledged too, and kept
   * as a dead letter with the reason: answering it 4xx or 5xx would make FreeRADIUS
   * retry it forever, and its spool replays in order, so every packet behind it would
   * wait. Only an outage (no database) answers 5xx, and then a retry is right.
   */
  async accounting(query: RawQuery, body: unknown): Promise<RadiusAnswer> {
    const nas = ipParam(query, 'nas');
    const attrs = attrsOf(body);
    const router = (await this.routers.findByIp(nas)) ?? (await this.byNasIdentifier(first(attrs, 'NAS-Identifier')));
    if (!router) return this.setAside(null, nas, attrs, 'unknown_nas', 'no router has this source address or NAS-Identifier');
    const parsed = parseAccounting(attrs, this.clock.now());
    if (!parsed.ok) return this.setAside(router, nas, attrs, parsed.kind, parsed.reason);
    try {
      await this.store.ingest(router, parsed.packet);
    } catch (err) {
      if (!isRefusedValue(err)) throw err;
      return this.setAside(router, nas, attrs, 'refused', `PostgreSQL refused it: ${(err as Error).message}`);
    }
    requests.inc({ endpoint: 'accounting', outcome: 'stored' });
    return NO_CONTENT;
  }

  private async setAside(router: Router | null, nas: string, attrs: AttrMap, kind: DeadLetterKind, reason: string): Promise<RadiusAnswer> {
    await this.deadLetters.record(router?.id ?? null, nas, attrs, kind, reason);
    requests.inc({ endpoint: 'accounting', outcome: 'dead_letter' });
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

  /** Only a NAS-Identifier that could be one (nasIdentifier is 1-64 printable characters) is looked up. */
  private byNasIdentifier(id: string | undefined) {
    return id && id.length <= 64 && isStorableText(id) ? this.routers.findByNasIdentifier(id) : Promise.resolve(null);
  }
}
