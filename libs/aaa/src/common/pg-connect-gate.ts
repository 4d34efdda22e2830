import { Client } from 'pg';
import { Counter } from 'prom-client';
import { backoffDelay, BackoffOptions, DB_RECONNECT_BACKOFF } from './backoff';

export const dbConnectAttempts = new Counter({
  name: 'db_connect_attempts_total',
  help: 'Connections to PostgreSQL opened or refused, by connection (pool, notifications) and result (ok, failed, skipped = refused without trying while backing off)',
  labelNames: ['connection', 'result'],
});

export class DatabaseUnavailableError extends Error {}

/**
 * One reconnect loop for a whole connection pool. A pool connects on demand: while
 * the database is down, every query would open its own connection attempt, hundreds
 * per second under RADIUS load. After a failed connect the gate refuses at once
 * (no attempt) until the backoff has passed, then lets exactly one attempt through;
 * while the database is up it stays out of the way.
 */
export class ConnectGate {
  private failures = 0;
  private retryAt = 0;
  private probing = false;
  private lastError = '';

  constructor(
    private readonly connection: string,
    private readonly opts: BackoffOptions = DB_RECONNECT_BACKOFF,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** True after a failed connect, until one succeeds. */
  get failing(): boolean {
    return this.failures > 0;
  }

  async attempt<T>(connect: () => Promise<T>): Promise<T> {
    const probe = this.failures > 0;
    if (probe) {
      const wait = this.retryAt - this.now();
      if (wait > 0 || this.probing) {
        dbConnectAttempts.inc({ connection: this.connection, result: 'skipped' });
        throw new DatabaseUnavailableError(`database unavailable (${this.lastError}); next connection attempt in ${Math.max(wait, 0)} ms`);
      }
      this.probing = true;
    }
    try {
      const result = await connect();
      this.failures = 0;
      dbConnectAttempts.inc({ connection: this.connection, result: 'ok' });
      return result;
    } catch (err) {
      this.failures++;
      this.retryAt = this.now() + backoffDelay(this.failures, this.opts, this.random);
      this.lastError = (err as Error)?.message || String(err);
      dbConnectAttempts.inc({ connection: this.connection, result: 'failed' });
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }
}

type ConnectCallback = ((err: Error) => void) | ((err: null, c: Client) => void);

/** A node-postgres Client class whose connect() goes through `gate`: pass it as the pool's `Client`. */
export function gatedClient(gate: ConnectGate): typeof Client {
  return class GatedClient extends Client {
    connect(): Promise<Client>;
    connect(callback: ConnectCallback): void;
    connect(callback?: ConnectCallback): Promise<Client> | void {
      const attempt = gate.attempt(() => super.connect());
      if (!callback) return attempt;
      const done = callback as (err: Error | null, c?: Client) => void;
      attempt.then(
        (c) => done(null, c),
        (err: Error) => done(err),
      );
    }
  };
}
