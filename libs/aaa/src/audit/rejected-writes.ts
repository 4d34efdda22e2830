import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { bearerOf } from '../common/auth.guards';
import { OperatorAuth } from '../operators/operator-auth';
import { OperatorRequest, pathOf } from '../operators/operator.guard';
import { targetTypeOf, routeAction } from '../operators/route-action';
import { AuditLog } from './audit-log.service';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * Writes that Fastify refuses before any route handler, guard or interceptor runs: a body
 * that is not JSON, too large, or of another type. They changed nothing, but they are an
 * operator's failed attempt, so the exception filter reports them here. Only when the
 * token names an operator: what an unauthenticated client sends is not worth a row (and
 * must not be a way to fill the table).
 */
@Injectable()
export class RejectedWrites {
  private actions?: Map<string, string>;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly auth: OperatorAuth,
    private readonly audit: AuditLog,
  ) {}

  async record(req: OperatorRequest, status: number, message: string): Promise<void> {
    // The guard ran (it sets clientIp): the entry, if any, is written already.
    if (req.clientIp !== undefined || READS.has(req.method) || !req.url.startsWith('/api/')) return;
    const route = req.routeOptions?.url;
    const action = route ? this.actionFor(req.method, route) : undefined;
    if (!action) return;
    const identity = await this.auth.identify(bearerOf(first(req.headers.authorization))).catch(() => null);
    if (!identity || !('principal' in identity)) return;
    const { type, operatorId, name, tokenId, tokenPrefix } = identity.principal;
    const scope = {
      actor: { type, operatorId, name, tokenId, tokenPrefix },
      // Behind a proxy the guard would have resolved X-Forwarded-For; here the peer is the best there is.
      sourceIp: req.socket?.remoteAddress?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1') ?? null,
      method: req.method,
      path: pathOf(req.url),
    };
    const targetId = Object.values((req.params ?? {}) as Record<string, string>)[0] ?? null;
    await this.audit.append(this.audit.entry(scope, { action, targetType: targetTypeOf(action), targetId }, 'failed', status, message));
  }

  private actionFor(method: string, route: string): string | undefined {
    this.actions ??= this.routeActions();
    return this.actions.get(`${method} ${route}`);
  }

  private routeActions(): Map<string, string> {
    const map = new Map<string, string>();
    for (const mod of this.modules.values()) {
      for (const wrapper of mod.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: unknown[]) => object) | null;
        if (!controller) continue;
        for (const key of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[key] as { name: string };
          if (key === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          for (const base of [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[]) {
            for (const sub of [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[]) {
              map.set(`${method} ${join(base, sub)}`, routeAction(controller, handler));
            }
          }
        }
      }
    }
    return map;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
