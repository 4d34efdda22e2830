import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { Gauge } from 'prom-client';
import { AppConfig } from './app-config';
import { backoffDelay } from './backoff';
import { dbConnectAttempts } from './pg-connect-gate';

type Handler = (payload: string) => void;

/** A connect that hangs (a frozen server, a lost packet) is given up after this long. */
const CONNECT_TIMEOUT_MS = 5000;
/** The idle LISTEN connection is checked this often; a check not answered in time drops it. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5000;

const listeningGauge = new Gauge({
  name: 'db_notifications_listening',
  help: '1 while the LISTEN connection is up and listening on every channel (caches trust notifications), else 0',
});

/**
 * PostgreSQL LISTEN/NOTIFY as a tiny message bus between API instances: cache
 * invalidation and router RPC routing need no extra infrastructure.
 * One dedicated connection listens; NOTIFY goes through it too.
 *
 * Exactly one reconnect loop: a lost connection (or a failed connect) starts it if it
 * is not running, and it retries with capped exponential backoff and jitter, each
 * connect bounded by a timeout, until it listens on every channel again.
 */
@Injectable()
export class PgNotifier implements OnApplicationShutdown {
  private readonly log = new Logger(PgNotifier.name);
  /** Set only while connected and listening on every channel. */
  private client?: Client;
  private loop?: Promise<void>;
  private attempting?: Client;
  private readonly ended = new WeakSet<Client>();
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly gapWatchers = new Set<(listening: boolean) => void>();
  private readonly waiters: (() => void)[] = [];
  /** Watchers were told `false` and not yet `true`. */
  private inGap = false;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;
  /** pg clients run one query at a time; chain ours instead of piling them up. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: AppConfig) {}

  /** Resolves once `channel` is listened to (at boot: once the connection is up). */
  async listen(channel: string, handler: Handler): Promise<void> {
    const known = this.handlers.get(channel);
    if (known) return void known.add(handler);
    this.handlers.set(channel, new Set([handler]));
    const client = this.client;
    if (!client) {
      this.reconnect();
      return this.connected();
    }
    try {
      await this.run(client, `LISTEN ${client.escapeIdentifier(channel)}`);
    } catch {
      // The connection dropped: the reconnect loop listens on every channel again,
      // and gap watchers hear about it in between.
    }
  }

  /**
   * Told `false` when the listening connection drops (notifications may be lost from
   * then on) and `true` once every channel is listened to again. Caches that depend on
   * notifications for correctness must stop trusting themselves in between.
   */
  onGap(watcher: (listening: boolean) => void): void {
    this.gapWatchers.add(watcher);
  }

  /** Fails at once while reconnecting: a caller that must reach other instances learns it now, not after a timeout. */
  async notify(channel: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client) {
      this.reconnect();
      throw new Error('notification connection to PostgreSQL is down (reconnecting)');
    }
    await this.run(client, 'SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const wake of this.waiters.splice(0)) wake();
    await Promise.all([this.client?.end(), this.attempting?.end()].map((p) => p?.catch(() => undefined)));
  }

  private run(client: Client, text: string, values?: unknown[]): Promise<unknown> {
    const next = this.tail.then(() => client.query(text, values));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private connected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Starts the reconnect loop unless it is already running: there is only ever one. */
  private reconnect(): void {
    if (this.loop || this.closed || this.client) return;
    this.loop = this.connectUntilListening().then((live) => {
      this.loop = undefined;
      if (live) this.up(...live);
    });
  }

  private async connectUntilListening(): Promise<[Client, number] | undefined> {
    for (let failures = 0; !this.closed;) {
      const client = new Client({
        connectionString: this.config.databaseUrl,
        application_name: 'radius-backend-bus',
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      });
      this.attempting = client;
      client.on('notification', (msg) => this.dispatch(msg.channel, msg.payload ?? ''));
      client.on('error', () => undefined); // always followed by 'end', handled there
      client.on('end', () => {
        this.ended.add(client);
        this.dropped(client);
      });
      try {
        await client.connect();
        dbConnectAttempts.inc({ connection: 'notifications', result: 'ok' });
        const listening = new Set<string>();
        // Channels may be added while we LISTEN; none may be missed.
        for (let missing = this.unlistened(listening); missing.length; missing = this.unlistened(listening)) {
          for (const channel of missing) {
            await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
            listening.add(channel);
          }
        }
        if (!this.closed) return [client, failures];
        await client.end().catch(() => undefined);
      } catch (err) {
        dbConnectAttempts.inc({ connection: 'notifications', result: 'failed' });
        failures++;
        // Once a minute at most, once the backoff has reached its cap.
        if (failures === 1 || failures % 12 === 0) {
          this.log.warn(
            `notification connection to PostgreSQL failed (attempt ${failures}): ${(err as Error).message}; retrying with backoff`,
          );
        }
        await client.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, backoffDelay(failures)).unref());
      } finally {
        if (this.attempting === client) this.attempting = undefined;
      }
    }
    return undefined;
  }

  private unlistened(listening: Set<string>): string[] {
    return [...this.handlers.keys()].filter((c) => !listening.has(c));
  }

  private up(client: Client, failures: number): void {
    // It may have ended between its last LISTEN and now: then go round again.
    if (this.ended.has(client)) return this.reconnect();
    this.client = client;
    this.tail = Promise.resolve();
    listeningGauge.set(1);
    this.startHeartbeat(client);
    if (failures > 0 || this.inGap) this.log.log(`notification connection to PostgreSQL is back (after ${failures} failed attempts)`);
    if (this.inGap) {
      this.inGap = false;
      this.tellGap(true);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The live connection ended (server gone, network cut, heartbeat missed). Attempts that never went live are the loop's business. */
  private dropped(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    listeningGauge.set(0);
    if (!this.closed) this.log.warn('notification connection to PostgreSQL lost; reconnecting');
    if (!this.inGap) {
      this.inGap = true;
      this.tellGap(false);
    }
    this.reconnect();
  }

  /**
   * An idle connection to a frozen or unreachable server looks fine until the kernel's
   * keepalive gives up (minutes). Caches trust this connection, so check it: a
   * `SELECT 1` not answered in time drops it, and the loop takes over.
   */
  private startHeartbeat(client: Client): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      const timer = setTimeout(() => {
        this.log.warn(`notification connection to PostgreSQL did not answer within ${HEARTBEAT_TIMEOUT_MS} ms; reconnecting`);
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      }, HEARTBEAT_TIMEOUT_MS).unref();
      this.run(client, 'SELECT 1').then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        this.log.error(`handler for ${channel} failed: ${(err as Error).message}`);
      }
    }
  }

  private tellGap(listening: boolean): void {
    for (const watcher of this.gapWatchers) watcher(listening);
  }
}
