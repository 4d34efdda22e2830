import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from './app-config';

type Handler = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY as a tiny message bus between API instances: cache
 * invalidation and router RPC routing need no extra infrastructure.
 * One dedicated connection listens; NOTIFY goes through any connection.
 */
@Injectable()
export class PgNotifier implements OnApplicationShutdown {
  private readonly log = new Logger(PgNotifier.name);
  private client?: Client;
  private connecting?: Promise<Client>;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly gapWatchers = new Set<(listening: boolean) => void>();
  private closed = false;
  /** pg clients run one query at a time; chain ours instead of piling them up. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: AppConfig) {}

  async listen(channel: string, handler: Handler): Promise<void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.run(`LISTEN "${channel}"`);
    }
    set.add(handler);
  }

  /**
   * Told `false` when the listening connection drops (notifications may be lost from
   * then on) and `true` once every channel is listened to again. Caches that depend on
   * notifications for correctness must stop trusting themselves in between.
   */
  onGap(watcher: (listening: boolean) => void): void {
    this.gapWatchers.add(watcher);
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.run('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  private run(text: string, values?: unknown[]): Promise<unknown> {
    const next = this.tail.then(async () => (await this.connection()).query(text, values));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'radius-backend-bus' });
    client.on('notification', (msg) => {
      for (const handler of this.handlers.get(msg.channel) ?? []) {
        try {
          handler(msg.payload ?? '');
        } catch (err) {
          this.log.error(`handler for ${msg.channel} failed: ${(err as Error).message}`);
        }
      }
    });
    client.on('error', (err) => this.log.warn(`bus connection error: ${err.message}`));
    client.on('end', () => {
      this.client = undefined;
      this.connecting = undefined;
      this.tellGap(false);
      if (!this.closed) setTimeout(() => void this.resubscribe(), 1000).unref();
    });
    await client.connect();
    this.client = client;
    return client;
  }

  /** After a lost connection, LISTEN again on every channel (messages in between are lost by design). */
  private async resubscribe(): Promise<void> {
    try {
      for (const channel of this.handlers.keys()) await this.run(`LISTEN "${channel}"`);
      this.tellGap(true);
    } catch (err) {
      this.log.warn(`bus reconnect failed: ${(err as Error).message}`);
      this.connecting = undefined;
      if (!this.closed) setTimeout(() => void this.resubscribe(), 2000).unref();
    }
  }

  private tellGap(listening: boolean): void {
    for (const watcher of this.gapWatchers) watcher(listening);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
