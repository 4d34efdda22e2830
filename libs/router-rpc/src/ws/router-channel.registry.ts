import { Injectable } from '@nestjs/common';
import { RouterChannel } from './router-channel';

/** Close code sent to a socket superseded by a newer one of the same router. */
export const CLOSE_REPLACED = 4000;
/** The router's token was rotated (or changed in the database): this socket's token is void. */
export const CLOSE_TOKEN_REVOKED = 4001;
/** The router was deleted. */
export const CLOSE_ROUTER_DELETED = 4004;
const REVOKE_GRACE_MS = 1000;

/** The routers connected to this instance; at most one channel per router. */
@Injectable()
export class RouterChannelRegistry {
  private readonly channels = new Map<string, RouterChannel>();

  get(routerId: string): RouterChannel | undefined {
    const ch = this.channels.get(routerId);
    return ch?.open ? ch : undefined;
  }

  /** Registers the newest socket and closes the one it supersedes. */
  set(channel: RouterChannel): void {
    const old = this.channels.get(channel.routerId);
    this.channels.set(channel.routerId, channel);
    if (old && old !== channel) old.close(CLOSE_REPLACED, 'replaced');
  }

  /** Removes only if still current, so a replaced socket's late close cannot evict its successor. */
  remove(channel: RouterChannel): boolean {
    if (this.channels.get(channel.routerId) !== channel) return false;
    this.channels.delete(channel.routerId);
    return true;
  }

  /** Another instance accepted the router at `since`: drop and close our socket if it is older. */
  evict(routerId: string, since: number, code: number, reason: string): void {
    const ch = this.channels.get(routerId);
    // A delayed claim must not kill a socket accepted after it (instances share one clock source in practice).
    if (!ch || ch.acceptedAt > since) return;
    this.channels.delete(routerId);
    ch.close(code, reason);
  }

  /**
   * The router lost its right to this socket. Only closed here: the socket's own close
   * handler unregisters it and marks the router offline, as for any other disconnect.
   */
  revoke(routerId: string, code: number, reason: string): boolean {
    const ch = this.channels.get(routerId);
    if (!ch) return false;
    ch.close(code, reason);
    // A peer that never answers the close frame must not keep the revoked connection for
    // ws's 30 s close timeout.
    setTimeout(() => ch.socket.terminate(), REVOKE_GRACE_MS).unref();
    return true;
  }

  all(): RouterChannel[] {
    return [...this.channels.values()];
  }
}
