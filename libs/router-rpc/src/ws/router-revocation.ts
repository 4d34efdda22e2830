import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgNotifier } from '@app/aaa';
import { RouterRpcOptions } from '../router-rpc.options';
import { RouterChannel } from './router-channel';
import { CLOSE_ROUTER_DELETED, CLOSE_TOKEN_REVOKED, RouterChannelRegistry } from './router-channel.registry';

/** NOTIFYed by the routers triggers (migration 1764340000000) on a token change or a delete. */
export const ROUTER_REVOKED_CHANNEL = 'aaa_router_revoked';

/**
 * Closes this instance's socket of a router whose token was rotated or which was deleted,
 * wherever that happened (any instance, plain SQL). Fast path: the trigger's notification.
 * Backstops, for a notification that cannot arrive: every new socket is checked once after it
 * is registered (a rotation racing the handshake), and all sockets are checked against the
 * database every `revalidateMs` and whenever the notification connection comes back.
 */
@Injectable()
export class RouterRevocation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RouterRevocation.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly notifier: PgNotifier,
    private readonly registry: RouterChannelRegistry,
    private readonly db: DataSource,
    private readonly options: RouterRpcOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifier.listen(ROUTER_REVOKED_CHANNEL, (payload) => this.onNotification(payload));
    this.notifier.onGap((listening) => listening && void this.sweep());
    this.schedule();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** A socket just registered: catches a rotation that committed while it was being accepted. */
  async verify(channel: RouterChannel): Promise<void> {
    await this.check([channel]);
  }

  /** Every local socket against the routers table, in one query. */
  async sweep(): Promise<void> {
    await this.check(this.registry.all());
  }

  private onNotification(payload: string): void {
    let msg: { routerId?: unknown; reason?: unknown };
    try {
      msg = JSON.parse(payload) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.routerId !== 'string') return;
    const channel = this.registry.get(msg.routerId);
    if (!channel) return;
    // Checked, not closed blindly: a late notification must not cut the socket the router
    // already reopened with its new token. If the check cannot run, the notification wins.
    const why = msg.reason === 'deleted' ? 'deleted' : 'token';
    void this.check([channel], () => this.revoke(channel, why));
  }

  private revoke(channel: RouterChannel, why: 'deleted' | 'token'): void {
    // Only the channel that is still registered: a newer socket of the same router has its own token.
    if (this.registry.get(channel.routerId) !== channel) return;
    const reason = why === 'deleted' ? 'router deleted' : 'token revoked';
    this.registry.revoke(channel.routerId, why === 'deleted' ? CLOSE_ROUTER_DELETED : CLOSE_TOKEN_REVOKED, reason);
    this.log.log(`router ${channel.routerId}: socket closed, ${reason}`);
  }

  private async check(channels: RouterChannel[], onError?: () => void): Promise<void> {
    const open = channels.filter((c) => c.open);
    if (!open.length) return;
    let rows: { id: string; token_hash: string }[];
    try {
      rows = await this.db.query('SELECT id, token_hash FROM routers WHERE id = ANY($1::uuid[])', [open.map((c) => c.routerId)]);
    } catch (err) {
      this.log.warn(`router token check failed: ${(err as Error).message}`);
      // Without a notification to act on, the next sweep checks again.
      return onError?.();
    }
    const current = new Map(rows.map((r) => [r.id, r.token_hash]));
    for (const ch of open) {
      const hash = current.get(ch.routerId);
      if (hash === undefined) this.revoke(ch, 'deleted');
      else if (hash !== ch.tokenHash) this.revoke(ch, 'token');
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.sweep().finally(() => this.schedule());
    }, this.options.revalidateMs);
    this.timer.unref();
  }
}
