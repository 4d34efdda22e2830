import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig, RadiusListener } from '@app/aaa';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config/load-config';
import { createTestDatabase } from './test-db';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const RADIUS_TOKEN = 'test-radius-token-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port>, for FreeRADIUS, browsers and WebSocket clients. */
  url: string;
  /** The dedicated rlm_rest listener, where FreeRADIUS points API_URL. */
  radiusUrl: string;
  databaseUrl: string;
  admin(): AdminClient;
  close(): Promise<void>;
}

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type AdminClient = Record<Method, (path: string) => request.Test>;

export interface StartOptions {
  /** Runs after the app is built and before it registers its routes and listens. */
  beforeListen?: (app: NestFastifyApplication) => void;
}

/** Requests to `url` with `token` as the bearer (an operator's personal token, the bootstrap token). */
export function asBearer(url: string, token: string): AdminClient {
  const agent = request(url);
  const wrap = (m: Method) => (path: string) => agent[m](path).set('authorization', `Bearer ${token}`);
  return { get: wrap('get'), post: wrap('post'), patch: wrap('patch'), put: wrap('put'), delete: wrap('delete') };
}

/** Boots the real app (Fastify, real PostgreSQL, migrations) on a random port. */
export async function startTestApp(env: Record<string, string> = {}, databaseUrl?: string, opts: StartOptions = {}): Promise<TestApp> {
  const dbUrl = databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-test-data-')),
    DATABASE_URL: dbUrl,
    ADMIN_TOKEN,
    RADIUS_API_TOKEN: RADIUS_TOKEN,
    // Fixed, so a restarted app on the same database can still decrypt what the first one sealed.
    SECRET_KEY: '5e'.repeat(32),
    LOG_LEVEL: 'silent',
    RADIUS_API_PORT: '0',
    // Suites that test FreeRADIUS's answer cache point this at their server's control port.
    RADIUS_ANSWER_CACHE_CONTROL: '',
    ...env,
  });
  const app = await createApp(config);
  opts.beforeListen?.(app);
  await app.listen(Number(env.PORT ?? 0), '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const admin = (): AdminClient => asBearer(url, ADMIN_TOKEN);
  const radiusUrl = app.get(RadiusListener).url;
  return { app, config, url, radiusUrl, databaseUrl: dbUrl, admin, close: () => app.close() };
}
