import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PgNotifier, Router } from '@app/aaa';
import { InstanceId } from '../router-rpc.options';
import { RouterCallError, RouterOfflineError, RouterTimeoutError } from '../rpc-errors';
import { CLOSE_REPLACED, RouterChannelRegistry } from '../ws/router-channel.registry';

export const RPC_CHANNEL = 'router_rpc';
export const RPC_REPLY_CHANNEL = 'router_rpc_reply';

type BusMessage =
  | { type: 'call'; id: string; target: string; replyTo: string; routerId: string; method: string; params: unknown; timeoutMs: number }
  | { type: 'claim'; routerId: string; instance: string; at: number };

interface BusReply {
  id: string;
  replyTo: string;
  result?: unknown;
  error?: { kind: 'offline' | 'timeout' | 'rpc'; message: string; code?: number };
}

/** The holder answers a little before the caller gives up, so its reason wins over a bare timeout. */
const HOLDER_MARGIN_MS = 250;

/**
 * Calls a router wherever its socket lives. Local sockets are called directly; otherwise the
 * request goes over PostgreSQL NOTIFY to the instance named in routers.connected_instance,
 * which forwards it and NOTIFYs the reply back, correlated by a random id.
 */
@Injectable()
export class RpcBus implements OnApplicationBootstrap {
  private readonly log = new Logger(RpcBus.name);
  private readonly waiting = new Map<string, (reply: BusReply) => void>();

  constructor(
    private readonly notifier: PgNotifier,
    private readonly registry: RouterChannelRegistry,
    private readonly instance: InstanceId,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifier.listen(RPC_CHANNEL, (p) => this.onMessage(p));
    await this.notifier.listen(RPC_REPLY_CHANNEL, (p) => this.onReply(p));
  }

  /** True if some instance (this or another) claims a live socket to the router. */
  reachable(router: Pick<Router, 'id' | 'connectedInstance'>): boolean {
    if (this.registry.get(router.id)) return true;
    return !!router.connectedInstance && router.connectedInstance !== this.instance.value;
  }

  async call(router: Pick<Router, 'id' | 'connectedInstance'>, method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const local = this.registry.get(router.id);
    if (local) return local.call(method, params, timeoutMs);
    const target = router.connectedInstance;
    if (!target || target === this.instance.value) throw new RouterOfflineError('router is not connected');
    const id = randomUUID();
    const reply = new Promise<BusReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new RouterTimeoutError(`no reply from instance ${target} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (r) => {
        this.waiting.delete(id);
        clearTimeout(timer);
        resolve(r);
      });
    });
    const msg: BusMessage = { type: 'call', id, target, replyTo: this.instance.value, routerId: router.id, method, params, timeoutMs };
    await this.notifier.notify(RPC_CHANNEL, JSON.stringify(msg)).catch((err: Error) => {
      this.waiting.get(id)?.({ id, replyTo: '', error: { kind: 'offline', message: `bus unavailable: ${err.message}` } });
    });
    const r = await reply;
    if (!r.error) return r.result;
    if (r.error.kind === 'rpc') throw new RouterCallError(r.error.message, r.error.code ?? 0);
    if (r.error.kind === 'timeout') throw new RouterTimeoutError(r.error.message);
    throw new RouterOfflineError(r.error.message);
  }

  /** A new socket was accepted here: other instances close their stale one for the router. */
  async announce(routerId: string, acceptedAt: number): Promise<void> {
    const msg: BusMessage = { type: 'claim', routerId, instance: this.instance.value, at: acceptedAt };
    await this.notifier
      .notify(RPC_CHANNEL, JSON.stringify(msg))
      .catch((err: Error) => this.log.warn(`claim not published: ${err.message}`));
  }

  private onMessage(payload: string): void {
    const msg = safeParse<BusMessage>(payload);
    if (!msg) return;
    if (msg.type === 'claim') {
      if (msg.instance !== this.instance.value) this.registry.evict(msg.routerId, msg.at, CLOSE_REPLACED, 'replaced');
      return;
    }
    if (msg.type !== 'call' || msg.target !== this.instance.value) return;
    void this.forward(msg);
  }

  private async forward(msg: Extract<BusMessage, { type: 'call' }>): Promise<void> {
    const reply: BusReply = { id: msg.id, replyTo: msg.replyTo };
    const channel = this.registry.get(msg.routerId);
    try {
      if (!channel) throw new RouterOfflineError('router is not connected to the holding instance');
      reply.result = await channel.call(msg.method, msg.params, Math.max(100, msg.timeoutMs - HOLDER_MARGIN_MS));
    } catch (err) {
      const e = err as RouterOfflineError | RouterTimeoutError | RouterCallError;
      reply.error = { kind: e.kind ?? 'offline', message: e.message, code: e instanceof RouterCallError ? e.code : undefined };
    }
    await this.notifier
      .notify(RPC_REPLY_CHANNEL, JSON.stringify(reply))
      .catch((err: Error) => this.log.warn(`reply not published: ${err.message}`));
  }

  private onReply(payload: string): void {
    const reply = safeParse<BusReply>(payload);
    if (reply?.replyTo === this.instance.value) this.waiting.get(reply.id)?.(reply);
  }
}

function safeParse<T>(payload: string): T | undefined {
  try {
    return JSON.parse(payload) as T;
  } catch {
    return undefined;
  }
}
