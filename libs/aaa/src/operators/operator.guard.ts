import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { AuditActor } from '../audit/audit-context';
import { AuditLog } from '../audit/audit-log.service';
import { AppConfig } from '../common/app-config';
import { bearerOf } from '../common/auth.guards';
import { clientAddress, parseTrustedProxies, TrustedProxies } from '../common/trusted-proxies';
import { declaredAccess } from './access';
import { FailureThrottle, throttleKey } from './failure-throttle';
import { OperatorAuth, Principal, RefusedReason } from './operator-auth';
import { roleAllows } from './roles';
import { actionOf } from './route-action';

/** What the guard leaves on an admin request for the audit interceptor. */
export interface OperatorRequest extends FastifyRequest {
  operator?: Principal;
  clientIp?: string;
}

const failures = new Counter({
  name: 'admin_auth_failures_total',
  help: 'Admin API requests refused for their token (401), by reason: missing, unknown, revoked, expired',
  labelNames: ['reason'],
});
const throttled = new Counter({
  name: 'admin_auth_throttled_total',
  help: 'Admin API requests from an address with repeated bad tokens: delayed before the token was checked, or refused (429)',
  labelNames: ['action'],
});

const MESSAGES: Record<RefusedReason, string> = {
  missing: 'A bearer token is required',
  unknown: 'A valid bearer token is required',
  revoked: 'This token has been revoked',
  expired: 'This token has expired',
};

const ANONYMOUS = (tokenPrefix: string | null): AuditActor => ({
  type: 'anonymous',
  operatorId: null,
  name: null,
  tokenId: null,
  tokenPrefix,
});

/**
 * The one gate of the admin API, global (APP_GUARD), so no route can forget it:
 *
 * - a route with `@OwnAuth()` is not an operator route and passes (its own guard decides);
 * - a route with `@Role(r)` needs a token of role r or higher: 401 without a valid token,
 *   403 with a weaker role;
 * - any other route is refused to everyone (403), owners included, and logged: a route
 *   that forgot its declaration fails closed.
 *
 * Repeated bad tokens from one address are slowed down before the token is looked at
 * (FailureThrottle), counted on /metrics, and every 401 and 403 is recorded in the audit
 * log as a denied attempt, with the token's prefix when it has the personal token shape.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly log = new Logger('OperatorGuard');
  private readonly throttle = new FailureThrottle();
  private readonly trusted: TrustedProxies;
  private readonly undeclared = new Set<string>();

  constructor(
    private readonly auth: OperatorAuth,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.trusted = parseTrustedProxies(config.trustedProxies ?? []) ?? parseTrustedProxies([])!;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const access = declaredAccess(ctx.getHandler(), ctx.getClass());
    if (!access.role && access.ownAuth) return true;
    const req = ctx.switchToHttp().getRequest<OperatorRequest>();
    const ip = clientAddress(req.socket?.remoteAddress ?? '', req.headers['x-forwarded-for'], this.trusted);
    req.clientIp = ip;
    if (!access.role) {
      const name = `${ctx.getClass().name}.${ctx.getHandler().name}`;
      if (!this.undeclared.has(name)) {
        this.log.error(`${req.method} ${req.routeOptions?.url ?? req.url} (${name}) declares no role: refused to everyone`);
      }
      this.undeclared.add(name);
      throw new ForbiddenException('This route declares no role, so nobody may use it');
    }
    const key = throttleKey(ip);
    await this.waitForTurn(key, ctx);
    let principal: Principal;
    try {
      const identity = await this.auth.identify(bearerOf(firstHeader(req.headers.authorization)));
      if ('refused' in identity) {
        this.throttle.failed(key);
        failures.inc({ reason: identity.refused });
        await this.denied(ctx, req, ANONYMOUS(identity.tokenPrefix), 401, `token refused: ${identity.refused}`);
        throw new UnauthorizedException(MESSAGES[identity.refused]);
      }
      principal = identity.principal;
      this.throttle.succeeded(key);
    } catch (err) {
      // The database could not say (an outage): neither a success nor a guess.
      if (!(err instanceof HttpException)) this.throttle.succeeded(key);
      throw err;
    }
    req.operator = principal;
    if (!roleAllows(principal.role, access.role)) {
      await this.denied(ctx, req, principal, 403, `needs the role ${access.role}, has ${principal.role}`);
      throw new ForbiddenException(`This needs the role ${access.role} or higher; the token's operator is ${principal.role}`);
    }
    return true;
  }

  private async waitForTurn(key: string, ctx: ExecutionContext): Promise<void> {
    const admission = this.throttle.admit(key);
    if ('refusedForMs' in admission) {
      throttled.inc({ action: 'refused' });
      const seconds = Math.ceil(admission.refusedForMs / 1000);
      ctx.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(seconds));
      // Not written to the audit log: refusing costs nothing, and a flood of refusals must not fill it.
      throw new HttpException(`Too many bad tokens from this address; retry in ${seconds} s`, 429);
    }
    if (admission.waitMs > 0) {
      throttled.inc({ action: 'delayed' });
      await new Promise((resolve) => setTimeout(resolve, admission.waitMs));
    }
  }

  private denied(ctx: ExecutionContext, req: OperatorRequest, actor: AuditActor, status: number, detail: string): Promise<void> {
    const action = actionOf(ctx);
    const scope = { actor, sourceIp: req.clientIp ?? null, method: req.method, path: pathOf(req.url) };
    return this.audit.append(this.audit.entry(scope, { action }, 'denied', status, detail));
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The path without its query string: queries are reads' business and may carry anything. */
export const pathOf = (url: string) => url.split('?')[0];
