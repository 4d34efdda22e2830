import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { RawData, WebSocket } from 'ws';
import { errorReply, parseFrame, resultReply, RPC_ERRORS, RpcResponse } from '../protocol/json-rpc';

/** Runs one `ubus call uspot <method> <params>` and returns its parsed JSON output. */
export type UbusExecutor = (method: string, params: Record<string, unknown>) => Promise<unknown>;

export interface RouterAgentOptions {
  url: string;
  token: string;
  /** Replaces the real ubus (tests record calls with it). Takes precedence over dryRun. */
  executor?: UbusExecutor;
  /** Log each ubus call and report success without running anything. */
  dryRun?: boolean;
  version?: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** No ping or message from the server this long: assume the path is dead and reconnect. */
  deadAfterMs?: number;
  log?: (line: string) => void;
}

export const AGENT_VERSION = '1.0.0';
/** JSON-RPC "server error" range: the ubus call itself failed. */
export const UBUS_FAILED = -32000;

/** Real ubus through execFile: arguments go straight to the binary, never through a shell. */
export const ubusExecutor: UbusExecutor = (method, params) =>
  new Promise((resolve, reject) => {
    execFile('ubus', ['call', 'uspot', method, JSON.stringify(params)], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}${stderr ? `: ${stderr.trim()}` : ''}`));
      try {
        resolve(stdout.trim() ? JSON.parse(stdout) : {});
      } catch {
        reject(new Error(`ubus printed non-JSON output: ${stdout.slice(0, 200)}`));
      }
    });
  });

/**
 * Reference router-side agent: keeps one WebSocket to the backend (reconnecting with
 * exponential backoff), announces itself with `hello`, and executes `client_remove` via ubus.
 * Events: 'open', 'close' (code), 'call' (method, params).
 */
export class RouterAgent extends EventEmitter {
  private ws?: WebSocket;
  private stopped = true;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  private deadTimer?: NodeJS.Timeout;
  private readonly exec: UbusExecutor;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: RouterAgentOptions) {
    super();
    this.log = opts.log ?? ((line) => console.log(`[router-agent] ${line}`));
    this.exec = opts.executor ?? (opts.dryRun ? this.dryRunExecutor : ubusExecutor);
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.deadTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000, 'agent stopping');
      setTimeout(() => ws.terminate(), 1000).unref();
    });
  }

  /** Resolves on the next successful connection (or at once if connected). */
  waitOpen(): Promise<void> {
    return this.connected ? Promise.resolve() : new Promise((resolve) => this.once('open', () => resolve()));
  }

  private connect(): void {
    const ws = new WebSocket(this.opts.url, { headers: { authorization: `Bearer ${this.opts.token}` }, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.log(`connected to ${this.opts.url}`);
      this.armDeadTimer();
      ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'hello', params: { version: this.opts.version ?? AGENT_VERSION } }));
      this.emit('open');
    });
    ws.on('ping', () => this.armDeadTimer());
    ws.on('message', (data, isBinary) => void this.onFrame(ws, data, isBinary));
    ws.on('unexpected-response', (_req, res) => {
      this.log(`server refused the connection: HTTP ${res.statusCode}${res.statusCode === 401 ? ' (check the router token)' : ''}`);
      ws.terminate();
    });
    ws.on('error', (err) => this.log(`connection error: ${err.message}`));
    ws.on('close', (code, reason) => {
      clearTimeout(this.deadTimer);
      if (this.ws === ws) this.ws = undefined;
      this.emit('close', code);
      if (this.stopped) return;
      // 4000: another agent with our token took over; retrying fast would just flap between the two.
      // 4001/4004: our token is void (rotated, router deleted); retrying fast only earns 401s.
      if (code === 4000 || code === 4001 || code === 4004) this.attempt = Math.max(this.attempt, 30);
      const delay = this.scheduleReconnect();
      this.log(`disconnected (code ${code}${reason.length ? ` ${reason.toString()}` : ''}), reconnecting in ${Math.round(delay)} ms`);
    });
  }

  private scheduleReconnect(): number {
    const min = this.opts.minBackoffMs ?? 1000;
    const max = this.opts.maxBackoffMs ?? 60_000;
    // Jitter spreads a fleet's reconnects after a backend restart.
    const delay = Math.min(max, min * 2 ** Math.min(this.attempt++, 30)) * (0.75 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    return delay;
  }

  private armDeadTimer(): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => this.ws?.terminate(), this.opts.deadAfterMs ?? 45_000);
    this.deadTimer.unref(); // the socket itself keeps the process alive, not this watchdog
  }

  private async onFrame(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    this.armDeadTimer();
    const send = (msg: RpcResponse) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg));
    if (isBinary) return void send(errorReply(null, RPC_ERRORS.invalidRequest, 'Invalid Request: use text frames'));
    const inbound = parseFrame(data.toString());
    if (inbound.kind === 'invalid') return void send(inbound.reply);
    if (inbound.kind !== 'request') return; // responses to our pings, server notifications: nothing to do
    const { id, method, params } = inbound.msg;
    this.emit('call', method, params);
    if (method !== 'client_remove') return void send(errorReply(id, RPC_ERRORS.methodNotFound, `Method not found: ${method}`));
    const p = params as { uspot?: unknown; address?: unknown } | undefined;
    if (typeof p?.uspot !== 'string' || typeof p.address !== 'string') {
      return void send(errorReply(id, RPC_ERRORS.invalidParams, 'Invalid params: uspot and address must be strings'));
    }
    try {
      send(resultReply(id, await this.clientRemove(p.uspot, p.address)));
    } catch (err) {
      send(errorReply(id, UBUS_FAILED, `ubus call failed: ${(err as Error).message}`));
    }
  }

  /**
   * uspot 2024 upper-cases the MAC it stores, 2025+ keeps it lowercase. Ask client_list for the
   * stored spelling first; if listing fails or the client is unknown, remove with the given one
   * (client_remove answers OK for unknown clients anyway).
   */
  private async clientRemove(uspot: string, address: string): Promise<unknown> {
    let stored = address;
    try {
      stored = findMac(await this.exec('client_list', { uspot }), uspot, address) ?? address;
    } catch (err) {
      this.log(`client_list failed, using ${address} as given: ${(err as Error).message}`);
    }
    return (await this.exec('client_remove', { uspot, address: stored })) ?? {};
  }

  private readonly dryRunExecutor: UbusExecutor = async (method, params) => {
    this.log(`dry-run: ubus call uspot ${method} '${JSON.stringify(params)}'`);
    return {};
  };
}

/** client_list answers `{"<uspot>": [macs]}` (or an object keyed by MAC in some builds). */
function findMac(list: unknown, uspot: string, address: string): string | undefined {
  const section = (list as Record<string, unknown> | null)?.[uspot];
  const macs = Array.isArray(section) ? section : section && typeof section === 'object' ? Object.keys(section) : [];
  return macs.find((m): m is string => typeof m === 'string' && m.toLowerCase() === address.toLowerCase());
}
