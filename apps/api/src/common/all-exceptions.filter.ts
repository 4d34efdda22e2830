import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable, OperatorRequest, OutageLog, RejectedWrites } from '@app/aaa';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * Every error leaves as JSON `{statusCode, error, message}`. Errors Fastify raises
 * itself (bad JSON, wrong content type, body too large) keep their 4xx status;
 * anything unexpected becomes a bare 500 whose details stay in the log.
 */
@Catch()
@Injectable()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');
  private readonly outage = new OutageLog(this.log);

  constructor(private readonly rejected: RejectedWrites) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    if (isDatabaseUnavailable(err)) {
      // An outage, not a bug: 503 with a hint to retry, and no stack trace per request.
      this.outage.failed('HTTP request', err);
      reply.header('retry-after', '5');
      return this.send(reply, HttpStatus.SERVICE_UNAVAILABLE, 'Database unavailable, retry later');
    }
    const { statusCode, message } = this.describe(err);
    if (statusCode >= 500) this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    // A write Fastify refused before the admin API saw it (bad JSON, too large): an operator's failed attempt.
    if (statusCode < 500) {
      const text = Array.isArray(message) ? message.join('; ') : message;
      void this.rejected.record(host.switchToHttp().getRequest<OperatorRequest>(), statusCode, text).catch(() => undefined);
    }
    this.send(reply, statusCode, message);
  }

  private send(reply: ReplyLike, statusCode: number, message: string | string[]): void {
    reply
      .status(statusCode)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
  }

  private describe(err: unknown): { statusCode: number; message: string | string[] } {
    if (err instanceof HttpException) {
      const body = err.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? err.message);
      return { statusCode: err.getStatus(), message };
    }
    const fastifyStatus = (err as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, message: (err as Error).message };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}
