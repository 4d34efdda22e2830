import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { IncomingMessage, Server, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { Repository } from 'typeorm';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerOf, Router, sha256Hex } from '@app/aaa';
import { RpcBus } from '../bus/rpc-bus';
import { RouterRpcOptions } from '../router-rpc.options';
import { RouterChannel } from './router-channel';
import { RouterChannelRegistry } from './router-channel.registry';
import { RouterPresence } from './router-presence';
import { RouterRevocation } from './router-revocation';

export const ROUTER_WS_PATH = '/routers/ws';

/**
 * GET /routers/ws on the app's own HTTP server. Fastify has no WebSocket support installed,
 * so we take the raw 'upgrade' event and authenticate before completing the handshake:
 * a bad token never gets a WebSocket, just an HTTP 401.
 */
@Injectable()
export class RouterSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(RouterSocketServer.name);
  private wss?: WebSocketServer;
  private server?: Server;
  private shuttingDown = false;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly registry: RouterChannelRegistry,
    private readonly presence: RouterPresence,
    private readonly bus: RpcBus,
    private readonly revocation: RouterRevocation,
    private readonly options: RouterRpcOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.options.maxPayloadBytes });
    this.server.on('upgrade', this.onUpgrade);
  }

  /** Close sockets first: open upgraded sockets would otherwise keep the HTTP server from closing. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true; // releaseAll below clears our rows in one go
    this.server?.off('upgrade', this.onUpgrade);
    for (const ch of this.registry.all()) ch.socket.terminate();
    this.wss?.close();
    await this.presence.releaseAll();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== ROUTER_WS_PATH) {
      // Leave other paths to other upgrade listeners, if any; otherwise answer instead of hanging.
      if (this.server!.listenerCount('upgrade') === 1) refuse(socket, 404);
      return;
    }
    const onError = () => socket.destroy(); // client gone while we query the database
    socket.on('error', onError);
    this.authenticate(req)
      .then((router) => {
        socket.off('error', onError);
        if (!router) return refuse(socket, 401, 'A valid router bearer token is required');
        this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(router, ws));
      })
      .catch((err: Error) => {
        this.log.error(`router authentication failed: ${err.message}`);
        refuse(socket, 503);
      });
  }

  private async authenticate(req: IncomingMessage): Promise<Router | null> {
    const token = bearerOf(req.headers.authorization);
    if (!token) return null;
    return this.routers.findOneBy({ tokenHash: sha256Hex(token) });
  }

  private accept(router: Router, ws: WebSocket): void {
    const channel = new RouterChannel(router.id, router.tokenHash, ws, () => this.presence.touch(router.id));
    this.registry.set(channel);
    this.log.log(`router ${router.id} (${router.name}) connected`);
    void this.presence.online(router.id).then(() => this.bus.announce(router.id, channel.acceptedAt));
    // The token may have been rotated, or the router deleted, while the handshake ran.
    void this.revocation.verify(channel);

    // One ping per interval; a socket that missed the previous pong is dead (NAT dropped it, power cut).
    let alive = true;
    ws.on('pong', () => {
      alive = true;
      this.presence.touch(router.id);
    });
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, this.options.heartbeatMs);
    heartbeat.unref();

    ws.on('error', (err) => this.log.warn(`router ${router.id} socket error: ${err.message}`));
    ws.on('close', (code) => {
      clearInterval(heartbeat);
      this.log.log(`router ${router.id} disconnected (${code})`);
      if (this.registry.remove(channel) && !this.shuttingDown) void this.presence.offline(router.id);
    });
  }
}

/** Raw HTTP answer on a socket that never became a WebSocket. */
function refuse(socket: Duplex, status: number, message = STATUS_CODES[status] ?? 'Error'): void {
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
