import { HttpException, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Histogram } from 'prom-client';
import { AppConfig } from '../common/app-config';
import { isDatabaseUnavailable, OutageLog } from '../common/db-unavailable';
import { secretMatcher } from '../common/tokens';
import { RadiusAnswer, RadiusEndpoints } from './radius-endpoints.service';
import { RawQuery } from './radius-params';

/** rlm_rest bodies are a few hundred bytes; anything near this is not FreeRADIUS. */
const MAX_BODY = 64 * 1024;

/** Time inside the API per rlm_rest call, from the request's arrival to its answer. */
const duration = new Histogram({
  name: 'radius_api_request_duration_seconds',
  help: 'Time the API spends on each rlm_rest call on the RADIUS listener, by path',
  labelNames: ['path'],
  buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1, 5],
});

type Route = (query: RawQuery, body: unknown) => Promise<RadiusAnswer>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The rlm_rest endpoints on their own port (RADIUS_API_PORT, loopback by default),
 * on bare node:http. FreeRADIUS calls it for every packet, so every layer counts:
 * measured on 2 cores, an authorize costs ~0.15 ms of CPU here against ~0.4 ms
 * through the Nest/Fastify pipeline of the main port. Being a separate port also
 * keeps the RADIUS backend off the public interface the portal and admin API use.
 */
@Injectable()
export class RadiusListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RadiusListener.name);
  private readonly outage = new OutageLog(this.log);
  private readonly routes: Partial<Record<string, Route>>;
  private readonly tokenMatches: (token: string | undefined) => boolean;
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    endpoints: RadiusEndpoints,
  ) {
    this.tokenMatches = secretMatcher(config.radiusApiToken);
    this.routes = {
      '/radius/authorize': (q, b) => endpoints.authorize(q, b),
      '/radius/post-auth': (q, b) => endpoints.postAuth(q, b),
      '/radius/accounting': (q, b) => endpoints.accounting(q, b),
      '/radius/clients': (q) => endpoints.client(q),
    };
  }

  /** The rlm_rest paths it serves (the main port serves the same); the fuzz test walks them. */
  get paths(): string[] {
    return Object.keys(this.routes);
  }

  /** Where FreeRADIUS should point API_URL, e.g. http://127.0.0.1:3001. */
  get url(): string {
    const { address, port } = this.server!.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    // rlm_rest keeps its pool's connections open between packets.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.radiusApiPort, this.config.radiusApiHost, () => resolve());
    });
    this.server = server;
    this.log.log(`RADIUS listener on ${this.url}/radius/* (for FreeRADIUS API_URL)`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeIdleConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route: Route | undefined = this.routes[path];
    if (route) res.once('finish', () => duration.observe({ path }, Number(process.hrtime.bigint() - started) / 1e9));
    let size = 0;
    const chunks: Buffer[] = [];
    // A connection reset mid-body: nothing left to answer, and nothing to crash on.
    req.on('error', () => undefined);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      this.answer(req, route, q < 0 ? '' : url.slice(q + 1), size > MAX_BODY ? null : Buffer.concat(chunks)).then(
        (a) => send(res, a.status, a.body),
        (err: unknown) => this.fail(res, err),
      );
    });
  }

  private async answer(req: IncomingMessage, route: Route | undefined, search: string, raw: Buffer | null) {
    if (!route) throw new HttpError(404, 'Not Found');
    if (req.method !== 'POST') throw new HttpError(405, 'Use POST');
    const token = req.headers['x-radius-token'];
    if (!this.tokenMatches(typeof token === 'string' ? token : undefined)) {
      throw new HttpError(401, 'A valid X-Radius-Token header is required');
    }
    if (raw === null) throw new HttpError(413, `Body larger than ${MAX_BODY} bytes`);
    return route(Object.fromEntries(new URLSearchParams(search)), parseJson(raw));
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (err instanceof HttpException) return send(res, err.getStatus(), err.getResponse());
    if (err instanceof HttpError) return send(res, err.status, { statusCode: err.status, message: err.message });
    if (isDatabaseUnavailable(err)) {
      // FreeRADIUS fails over on any 5xx; one log line per outage interval, not a stack per packet.
      this.outage.failed('rlm_rest call', err);
      return send(res, 503, { statusCode: 503, message: 'Database unavailable' });
    }
    this.log.error(`rlm_rest call failed: ${(err as Error)?.stack ?? String(err)}`);
    send(res, 500, { statusCode: 500, message: 'Internal server error' });
  }
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = typeof body === 'string' ? JSON.stringify({ statusCode: status, message: body }) : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
