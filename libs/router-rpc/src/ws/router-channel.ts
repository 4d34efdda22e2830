import { Logger } from '@nestjs/common';
import { RawData, WebSocket } from 'ws';
import { errorReply, parseFrame, RPC_ERRORS, RpcErrorBody, RpcId, RpcResponse } from '../protocol/json-rpc';
import { RouterCallError, RouterOfflineError, RouterTimeoutError } from '../rpc-errors';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** One router's live socket: outbound calls with correlation and timeout, inbound frame handling. */
export class RouterChannel {
  private readonly log = new Logger(RouterChannel.name);
  private readonly pending = new Map<RpcId, Pending>();
  private nextId = 1;
  readonly acceptedAt = Date.now();
  /** Set by the router's `hello` notification; informational only. */
  agentVersion?: string;

  constructor(
    readonly routerId: string,
    /** sha256 of the token this socket authenticated with: a different one in the row means revoked. */
    readonly tokenHash: string,
    readonly socket: WebSocket,
    private readonly onActivity: () => void,
  ) {
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', () => this.failAll(new RouterOfflineError('router disconnected before replying')));
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  call(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    if (!this.open) return Promise.reject(new RouterOfflineError('router socket is not open'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RouterTimeoutError(`router did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }), (err) => {
        if (err) this.settle(id, undefined, { code: RPC_ERRORS.internal, message: err.message });
      });
    });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    this.onActivity();
    if (isBinary) return this.reply(errorReply(null, RPC_ERRORS.invalidRequest, 'Invalid Request: use text frames'));
    const inbound = parseFrame(data.toString());
    switch (inbound.kind) {
      case 'invalid':
        return this.reply(inbound.reply);
      case 'response':
        return this.settle(inbound.msg.id, inbound.msg.result, inbound.msg.error);
      case 'notification':
        if (inbound.msg.method === 'hello') {
          const version = (inbound.msg.params as { version?: unknown } | undefined)?.version;
          this.agentVersion = typeof version === 'string' ? version : undefined;
          this.log.log(`router ${this.routerId} says hello (agent ${this.agentVersion ?? 'unknown'})`);
        }
        return; // notifications never get a reply, known or not
      case 'request':
        // Routers have nothing to ask yet; `ping` lets an agent probe the channel.
        if (inbound.msg.method === 'ping') return this.reply({ jsonrpc: '2.0', id: inbound.msg.id, result: 'pong' });
        return this.reply(errorReply(inbound.msg.id, RPC_ERRORS.methodNotFound, `Method not found: ${inbound.msg.method}`));
    }
  }

  private settle(id: RpcId, result: unknown, error?: RpcErrorBody): void {
    const p = this.pending.get(id);
    if (!p) return void this.log.debug(`router ${this.routerId}: reply to unknown id ${String(id)}`);
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(new RouterCallError(error.message, error.code));
    else p.resolve(result);
  }

  private reply(msg: RpcResponse): void {
    if (this.open) this.socket.send(JSON.stringify(msg));
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}
