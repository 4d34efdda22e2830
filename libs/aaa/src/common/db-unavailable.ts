import { Logger } from '@nestjs/common';
import { DatabaseUnavailableError } from './pg-connect-gate';

/** SQLSTATEs that mean the server cannot be used right now: connection exceptions (class 08), shutdown, start-up, too many clients. */
const UNAVAILABLE_CODES = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Query read timeout|Connection terminated|connection timeout|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|the database system is (starting up|shutting down|in recovery mode)|is not currently accepting connections/i;

/** True for an error that says the database cannot be reached right now (an outage), not a bug in a request. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const e = err as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | undefined;
  for (const x of [e, e?.driverError]) {
    if (typeof x?.code === 'string' && UNAVAILABLE_CODES.test(x.code)) return true;
    if (typeof x?.message === 'string' && UNAVAILABLE_MESSAGES.test(x.message)) return true;
  }
  return false;
}

/**
 * During an outage every request fails the same way; one stack trace per request would
 * bury the log (thousands a second under RADIUS load). One line per interval instead,
 * with how many requests failed since the last one.
 */
export class OutageLog {
  private last = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  failed(what: string, err: unknown): void {
    const t = this.now();
    if (t - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed ? ` (and ${this.suppressed} more since the last message)` : '';
    this.log.warn(`${what}: database unavailable: ${(err as Error)?.message ?? String(err)}${more}`);
    this.last = t;
    this.suppressed = 0;
  }
}
