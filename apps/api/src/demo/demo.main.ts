#!/usr/bin/env node
/**
 * npm run demo: fills an EMPTY database with a router for 127.0.0.1, a speed profile, an
 * IP pool, a customer with a vpn and a hotspot account, and prints the radtest commands
 * and the portal URL to try. It talks to the running API (`npm start`) found the way
 * `npm start` configures itself: PORT and HOST, and the admin token from ADMIN_TOKEN or
 * DATA_DIR/admin-token. It refuses a database that already has data.
 */
import 'reflect-metadata';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, validateEnv } from '../config/load-config';
import { AdminApiError, AdminClient } from './admin-client';
import {
  DATA_LISTS,
  demoAccounts,
  demoCustomer,
  demoInstructions,
  demoIpPool,
  demoRouter,
  DemoSecrets,
  demoSpeedProfile,
  refusal,
} from './demo-plan';

class DemoError extends Error {}

const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const randomText = (length: number) => Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

function target(env: NodeJS.ProcessEnv): { client: AdminClient; publicUrl: string; radiusAuthPort: number } {
  const e = validateEnv(env);
  const host = e.HOST ?? '0.0.0.0';
  const reach = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const port = e.PORT ?? 3000;
  let token = e.ADMIN_TOKEN;
  if (!token) {
    const file = join(resolve(e.DATA_DIR ?? './data'), 'admin-token');
    if (!existsSync(file)) {
      throw new DemoError(
        `No admin token: ADMIN_TOKEN is unset and ${file} does not exist. Start the API first (npm start) with the same DATA_DIR.`,
      );
    }
    token = readFileSync(file, 'utf8').trim();
  }
  // FreeRADIUS's auth port, as npm run radius reads it.
  const radiusAuthPort = Number(env.RADIUS_AUTH_PORT || 1812);
  if (!Number.isInteger(radiusAuthPort) || radiusAuthPort < 1 || radiusAuthPort > 65535) {
    throw new DemoError('RADIUS_AUTH_PORT must be a port number');
  }
  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : reach;
  return { client: new AdminClient(`http://${reach}:${port}`, token), publicUrl: `http://${publicHost}:${port}`, radiusAuthPort };
}

async function run(): Promise<void> {
  if (process.argv.length > 2) throw new DemoError('usage: npm run demo (configured like npm start: PORT, HOST, DATA_DIR or ADMIN_TOKEN)');
  const { client, publicUrl, radiusAuthPort } = target(process.env);

  const totals: Record<string, number> = {};
  for (const [what, path] of Object.entries(DATA_LISTS)) {
    try {
      totals[what] = (await client.get<{ total: number }>(`${path}?limit=1`)).total;
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 401) {
        throw new DemoError(`The API at ${client.baseUrl} refused the admin token: is it running with another DATA_DIR or ADMIN_TOKEN?`);
      }
      if (err instanceof AdminApiError && err.status === undefined) throw new DemoError(`${err.message}: start it first (npm start).`);
      throw err;
    }
  }
  const refused = refusal(totals, client.baseUrl);
  if (refused) throw new DemoError(refused);

  const secrets: DemoSecrets = { radiusSecret: randomText(24), vpnPassword: randomText(12), hotspotPassword: randomText(12) };
  const created: string[] = [];
  try {
    const profile = await client.post<{ id: string }>('/api/speed-profiles', demoSpeedProfile);
    created.push('speed profile');
    const pool = await client.post<{ id: string }>('/api/ip-pools', demoIpPool);
    created.push('IP pool');
    await client.post('/api/routers', demoRouter(secrets));
    created.push('router');
    const customer = await client.post<{ id: string }>('/api/customers', demoCustomer);
    created.push('customer');
    const accounts = demoAccounts(secrets, { speedProfileId: profile.id, ipPoolId: pool.id });
    const vpn = await client.post<{ staticIp: string | null }>(`/api/customers/${customer.id}/accounts`, accounts.vpn);
    created.push('vpn account');
    await client.post(`/api/customers/${customer.id}/accounts`, accounts.hotspot);
    process.stdout.write(
      demoInstructions({ apiUrl: client.baseUrl, publicUrl, radiusAuthPort, secrets, vpnStaticIp: vpn.staticIp }).join('\n') + '\n',
    );
  } catch (err) {
    const partial = created.length ? ` Created before it failed: ${created.join(', ')}.` : '';
    throw new DemoError(`The demo stopped: ${(err as Error).message}.${partial}`);
  }
}

run().catch((err) => {
  const known = err instanceof DemoError || err instanceof ConfigError || err instanceof AdminApiError;
  process.stderr.write(`npm run demo: ${known ? err.message : (err?.stack ?? err)}\n`);
  process.exit(1);
});
