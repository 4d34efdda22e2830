import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable, OutageLog } from '@app/aaa';

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
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');
  private readonly outage = new OutageLog(this.log);

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
