import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { RouterAgent } from '../../libs/router-rpc/src/agent/router-agent';
import { TestApp } from './test-app';
import { sql } from './test-db';

export const wsUrl = (t: TestApp) => `${t.url.replace(/^http/, 'ws')}/routers/ws`;

/** Polls until `check` returns a truthy value (or throws after `ms`). */
export async function waitFor<T>(check: () => Promise<T> | T, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface CreatedRouter {
  id: string;
  token: string;
  radiusSecret: string;
}

let ipCounter = 1;
export async function createRouter(t: TestApp, body: Record<string, unknown>): Promise<CreatedRouter> {
  const n = ipCounter++;
  const res = await t
    .admin()
    .post('/api/routers')
    .send({ name: `r${n}`, nasIdentifier: `rpc-${n}-${randomBytes(3).toString('hex')}`, nasIp: `198.51.100.${n}`, ...body })
    .expect(201);
  return res.body as CreatedRouter;
}

/** Sessions are inserted directly: accounting is not this lib's business. */
export async function insertSession(
  t: TestApp,
  routerId: string,
  fields: { accountId?: string; username?: string; mac?: string | null; framedIp?: string | null; stopped?: boolean } = {},
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    t.databaseUrl,
    `INSERT INTO sessions (router_id, account_id, username, acct_session_id, framed_ip, calling_station_id, started_at, last_seen_at, stopped_at)
     VALUES ($1, $2, $3, $4, $5, $6, now(), now(), CASE WHEN $7 THEN now() END) RETURNING id`,
    [
      routerId,
      fields.accountId ?? null,
      fields.username ?? 'alice',
      randomBytes(4).toString('hex'),
      fields.framedIp ?? null,
      fields.mac === undefined ? 'AA-BB-CC-DD-EE-01' : fields.mac,
      !!fields.stopped,
    ],
  );
  return row.id;
}

export async function sessionRow(t: TestApp, id: string) {
  const [row] = await sql<{ stopped_at: Date | null; terminate_cause: string | null }>(
    t.databaseUrl,
    'SELECT stopped_at, terminate_cause FROM sessions WHERE id = $1',
    [id],
  );
  return row;
}

/** What the router itself holds for a session the database knows: the spellings it was sent. */
export async function routerSessionOf(t: TestApp, id: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const [row] = await sql<{ username: string; acct_session_id: string; framed_ip: string | null }>(
    t.databaseUrl,
    'SELECT username, acct_session_id, host(framed_ip) AS framed_ip FROM sessions WHERE id = $1',
    [id],
  );
  return {
    'User-Name': row.username,
    'Acct-Session-Id': row.acct_session_id,
    ...(row.framed_ip ? { 'Framed-IP-Address': row.framed_ip } : {}),
    ...extra,
  };
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
}

/** In-process reference agent whose ubus is a recorder; `clients` is what client_list reports. */
export async function startAgent(t: TestApp, token: string, clients: string[] = []) {
  const calls: RecordedCall[] = [];
  const agent = new RouterAgent({
    url: wsUrl(t),
    token,
    minBackoffMs: 50,
    maxBackoffMs: 200,
    log: () => undefined,
    executor: async (method, params) => {
      calls.push({ method, params });
      return method === 'client_list' ? { [String(params.uspot)]: clients } : {};
    },
  });
  agent.start();
  await agent.waitOpen();
  return { agent, calls };
}

/** Raw client for protocol tests; collects every text frame it receives. */
export async function rawClient(t: TestApp, token?: string, opts: { autoPong?: boolean } = {}) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const ws = new WebSocket(wsUrl(t), { headers, autoPong: opts.autoPong ?? true });
  const frames: unknown[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, r) => resolve({ code, reason: r.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

export async function routerOnline(t: TestApp, id: string): Promise<boolean> {
  const res = await t.admin().get(`/api/routers/${id}`).expect(200);
  return res.body.online as boolean;
}
