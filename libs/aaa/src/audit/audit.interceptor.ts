import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { catchError, mergeMap, Observable } from 'rxjs';
import { isDatabaseUnavailable } from '../common/db-unavailable';
import { OperatorRequest, pathOf } from '../operators/operator.guard';
import { actionOf, targetTypeOf } from '../operators/route-action';
import { AuditChange, auditScope, AuditScope } from './audit-context';
import { AuditLog } from './audit-log.service';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One audit entry per write through the admin API, stored before the answer leaves:
 * who (the guard's principal), from where, method and path, the route's action, what the
 * service described (target, before/after), and the outcome: `ok`, or `failed` with the
 * status and message of a refused write (400, 404, 409, …). The handler runs inside the
 * audit scope, so the services it calls describe their change with `AuditLog.describe`.
 * A route whose service describes nothing still gets an entry: its target is the record
 * it created (the answer's `id`) or the first path parameter, its change the answer.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditLog) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<OperatorRequest>();
    if (!req.operator || READS.has(req.method)) return next.handle();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const { type, operatorId, name, tokenId, tokenPrefix } = req.operator;
    const scope: AuditScope = {
      actor: { type, operatorId, name, tokenId, tokenPrefix },
      sourceIp: req.clientIp ?? null,
      method: req.method,
      path: pathOf(req.url),
    };
    const action = actionOf(ctx);
    const params = Object.values((req.params ?? {}) as Record<string, string>);
    const change = (body?: unknown): AuditChange & { action: string } => {
      const d = scope.change ?? {};
      const created =
        body && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : null;
      const undescribed = d.before === undefined && d.after === undefined && !d.secrets?.length;
      return {
        ...d,
        action,
        targetType: d.targetType ?? targetTypeOf(action),
        targetId: d.targetId ?? (req.method === 'POST' ? created : null) ?? params[0] ?? created,
        ...(undescribed && body && typeof body === 'object' ? { after: body } : {}),
      };
    };
    return new Observable((subscriber) =>
      auditScope.run(scope, () =>
        next
          .handle()
          .pipe(
            mergeMap(async (body) => {
              await this.audit.append(this.audit.entry(scope, change(body), 'ok', reply.statusCode));
              return body;
            }),
            catchError(async (err) => {
              const status = err instanceof HttpException ? err.getStatus() : isDatabaseUnavailable(err) ? 503 : 500;
              const message = status < 500 && err instanceof HttpException ? messageOf(err) : 'not completed';
              await this.audit.append(this.audit.entry(scope, change(), 'failed', status, message));
              throw err;
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}

function messageOf(err: HttpException): string {
  const body = err.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? err.message);
}
