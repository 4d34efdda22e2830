import { EventEmitter2 } from '@nestjs/event-emitter';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { WebSocket } from 'ws';
import { AAA_EVENTS, RadiusAttribute, SessionLimitReachedEvent } from '@app/aaa';
import { CoaClient, CoaResult, InstanceId, RouterAgent, RouterRevocation, RouterRpcOptions } from '@app/router-rpc';
import {
  createRouter,
  insertSession,
  rawClient,
  routerOnline,
  routerSessionOf,
  sessionRow,
  startAgent,
  waitFor,
  wsUrl,
} from './support/rpc-helpers';
import { DasFlavour, TestNas } from './support/rpc-nas';
import { radiusCall } from './support/rlm-rest';
import { startTestApp, TestApp } from './support/test-app';
import { sql } from './support/test-db';

const SECRET = 'nas-shared-secret-0123456789';
const ENV = { RPC_TIMEOUT_MS: '1500' };

/** Raw upgrade attempt: proves the refusal is plain HTTP, before any WebSocket exists. */
function upgradeStatus(t: TestApp, path: string, auth?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${t.url}${path}`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(auth ? { authorization: auth } : {}),
      },
    });
    req.on('response', (res) => resolve(res.statusCode!));
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('router RPC (real app, WebSocket and UDP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(() => t.close());

  describe('WebSocket endpoint', () => {
    it('refuses a missing or wrong token with HTTP 401 before the upgrade', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      expect(await upgradeStatus(t, '/routers/ws')).toBe(401);
      expect(await upgradeStatus(t, '/routers/ws', 'Bearer not-the-token')).toBe(401);
      expect(await upgradeStatus(t, '/routers/ws', `Basic ${r.token}`)).toBe(401);
      expect(await upgradeStatus(t, '/elsewhere', `Bearer ${r.token}`)).toBe(404);
      expect(await upgradeStatus(t, '/routers/ws', `Bearer ${r.token}`)).toBe(101);
    });

    it('shows the router online in GET /api/routers while connected, offline after', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      expect(await routerOnline(t, r.id)).toBe(false);
      const { agent } = await startAgent(t, r.token);
      await waitFor(() => routerOnline(t, r.id), 3000, 'online');
      const list = await t.admin().get('/api/routers?limit=500').expect(200);
      const view = list.body.items.find((x: { id: string }) => x.id === r.id);
      expect(view).toMatchObject({ online: true });
      expect(view.lastSeenAt).not.toBeNull();
      expect(JSON.stringify(view)).not.toMatch(/connectedInstance|tokenHash/);
      await agent.stop();
      await waitFor(async () => !(await routerOnline(t, r.id)), 3000, 'offline');
    });

    it('replaces the older connection of the same router (close 4000 "replaced")', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const first = await rawClient(t, r.token);
      const second = await rawClient(t, r.token);
      expect(await first.closed).toEqual({ code: 4000, reason: 'replaced' });
      second.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
      await waitFor(() => second.frames.length === 1, 2000, 'pong');
      expect(second.frames[0]).toEqual({ jsonrpc: '2.0', id: 1, result: 'pong' });
      expect(await routerOnline(t, r.id)).toBe(true); // the replaced socket's close must not mark it offline
      second.ws.close();
    });

    it('answers malformed frames with JSON-RPC errors and keeps the connection', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const c = await rawClient(t, r.token);
      const sends: [string | Buffer, number, string | number | null][] = [
        ['not json {', -32700, null],
        ['{"foo":1}', -32600, null],
        ['[]', -32600, null],
        ['42', -32600, null],
        ['{"jsonrpc":"1.0","id":5,"method":"x"}', -32600, 5],
        ['{"jsonrpc":"2.0","id":6,"method":"x","params":"str"}', -32600, 6],
        ['{"jsonrpc":"2.0","id":7,"method":"reboot"}', -32601, 7],
        [Buffer.from([1, 2, 3]), -32600, null],
      ];
      for (const [frame, code, id] of sends) {
        const before = c.frames.length;
        c.ws.send(frame);
        await waitFor(() => c.frames.length > before, 2000, `reply to ${String(frame)}`);
        expect(c.frames[before]).toMatchObject({ jsonrpc: '2.0', id, error: { code } });
      }
      // Notifications (hello) and stray responses get no reply; the socket still works afterwards.
      c.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'hello', params: { version: 'test' } }));
      c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 999, result: {} }));
      c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'last', method: 'ping' }));
      await waitFor(() => c.frames.length === sends.length + 1, 2000, 'pong');
      expect(c.frames.at(-1)).toEqual({ jsonrpc: '2.0', id: 'last', result: 'pong' });
      expect(c.ws.readyState).toBe(WebSocket.OPEN);
      c.ws.close();
    });

    it('terminates a router that stops answering pings and marks it offline', async () => {
      const options = t.app.get(RouterRpcOptions);
      const saved = options.heartbeatMs;
      options.heartbeatMs = 100;
      try {
        const r = await createRouter(t, { vendor: 'uspot' });
        const c = await rawClient(t, r.token, { autoPong: false });
        await waitFor(() => routerOnline(t, r.id), 2000, 'online');
        expect((await c.closed).code).toBe(1006); // terminated, no close frame
        await waitFor(async () => !(await routerOnline(t, r.id)), 2000, 'offline');
      } finally {
        options.heartbeatMs = saved;
      }
    });
  });

  describe('POST /api/sessions/:sessionId/disconnect', () => {
    it('removes a uspot client through the reference agent and closes the session with Admin-Reset', async () => {
      const r = await createRouter(t, { vendor: 'uspot', uspotSection: 'hotel' });
      // uspot 2024 stores upper-case MACs: the agent must find and use that spelling.
      const { agent, calls } = await startAgent(t, r.token, ['AA:BB:CC:DD:EE:01']);
      const id = await insertSession(t, r.id, { mac: 'aa-bb-cc-dd-ee-01', framedIp: '10.1.0.9' });
      const res = await t.admin().post(`/api/sessions/${id}/disconnect`).expect(200);
      expect(res.body).toMatchObject({ sessionId: id, routerId: r.id, method: 'websocket', outcome: 'ack' });
      expect(new Date(res.body.stoppedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(calls).toEqual([
        { method: 'client_list', params: { uspot: 'hotel' } },
        { method: 'client_remove', params: { uspot: 'hotel', address: 'AA:BB:CC:DD:EE:01' } },
      ]);
      expect(await sessionRow(t, id)).toMatchObject({ terminate_cause: 'Admin-Reset' });
      expect((await sessionRow(t, id)).stopped_at).not.toBeNull();
      const again = await t.admin().post(`/api/sessions/${id}/disconnect`);
      expect(again.status).toBe(409);
      await agent.stop();
    });

    it.each([
      // uspot's own Stop for client_remove: the admin's doing.
      ['User-Request', 'Admin-Reset', 1],
      // A cause of the router's own that happens to land in the window stays.
      ['Idle-Timeout', 'Idle-Timeout', 2],
    ])('records the cause of a Stop with %s that lands before the agent answers as %s', async (sent, stored, n) => {
      const nasIp = `198.51.100.${240 + n}`;
      const id = `ws-cause-${n}`;
      const r = await createRouter(t, { vendor: 'uspot', nasIp });
      const base = { 'User-Name': 'walker', 'Acct-Session-Id': id, 'Calling-Station-Id': `AA-BB-CC-00-00-4${n}` };
      await radiusCall(t.url, 'accounting', nasIp, { ...base, 'Acct-Status-Type': 'Start' }).expect(204);
      // uspot.uc `client_remove` calls radius_terminate(…, radtc_logout) before it returns:
      // the Accounting-Stop (Terminate-Cause 1, User-Request) is stored before the RPC reply.
      const agent = new RouterAgent({
        url: wsUrl(t),
        token: r.token,
        log: () => undefined,
        executor: async (method) => {
          if (method !== 'client_remove') return {};
          await radiusCall(t.url, 'accounting', nasIp, {
            ...base,
            'Acct-Status-Type': 'Stop',
            'Acct-Session-Time': 60,
            'Acct-Terminate-Cause': sent,
          }).expect(204);
          return {};
        },
      });
      agent.start();
      try {
        await agent.waitOpen();
        const [row] = await sql<{ id: string }>(t.databaseUrl, 'SELECT id FROM sessions WHERE acct_session_id = $1', [id]);
        await t.admin().post(`/api/sessions/${row.id}/disconnect`).expect(200);
        expect(await sessionRow(t, row.id)).toMatchObject({ terminate_cause: stored });
      } finally {
        await agent.stop();
      }
    });

    it('keeps the cause of a session the user ended before the admin asked (409, no rewrite)', async () => {
      const nasIp = '198.51.100.243';
      const r = await createRouter(t, { vendor: 'uspot', nasIp });
      const { agent, calls } = await startAgent(t, r.token);
      const base = { 'User-Name': 'leaver', 'Acct-Session-Id': 'ws-cause-3', 'Calling-Station-Id': 'AA-BB-CC-00-00-42' };
      await radiusCall(t.url, 'accounting', nasIp, { ...base, 'Acct-Status-Type': 'Start' }).expect(204);
      await radiusCall(t.url, 'accounting', nasIp, {
        ...base,
        'Acct-Status-Type': 'Stop',
        'Acct-Session-Time': 5,
        'Acct-Terminate-Cause': 'User-Request',
      }).expect(204);
      try {
        const [row] = await sql<{ id: string }>(t.databaseUrl, "SELECT id FROM sessions WHERE acct_session_id = 'ws-cause-3'");
        await t.admin().post(`/api/sessions/${row.id}/disconnect`).expect(409);
        expect(await sessionRow(t, row.id)).toMatchObject({ terminate_cause: 'User-Request' });
        expect(calls).toEqual([]);
      } finally {
        await agent.stop();
      }
    });

    it('maps a router-side ubus failure to 502 and leaves the session open', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const agent = new RouterAgent({
        url: wsUrl(t),
        token: r.token,
        log: () => undefined,
        executor: async (method) => {
          if (method === 'client_remove') throw new Error('Command failed: ubus (Not found)');
          return {};
        },
      });
      agent.start();
      await agent.waitOpen();
      const id = await insertSession(t, r.id);
      const res = await t.admin().post(`/api/sessions/${id}/disconnect`);
      expect(res.status).toBe(502);
      expect(res.body.message).toMatch(/client_remove.*ubus call failed/);
      expect((await sessionRow(t, id)).stopped_at).toBeNull();
      await agent.stop();
    });

    it('answers 404 for an unknown session, 409 for a stopped one, 401 without the admin token', async () => {
      const r = await createRouter(t, { vendor: 'mikrotik' });
      expect((await t.admin().post(`/api/sessions/${randomUUID()}/disconnect`)).status).toBe(404);
      expect((await t.admin().post('/api/sessions/not-a-uuid/disconnect')).status).toBe(400);
      const stopped = await insertSession(t, r.id, { stopped: true });
      const res = await t.admin().post(`/api/sessions/${stopped}/disconnect`);
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('Session is already stopped');
      expect((await request(t.url).post(`/api/sessions/${stopped}/disconnect`)).status).toBe(401);
    });

    describe('RFC 5176 to a UDP NAS that answers as the real router does', () => {
      const nases: TestNas[] = [];
      const nas = async (flavour: DasFlavour, host: string) => {
        const n = await new TestNas(flavour, SECRET, host).start();
        nases.push(n);
        return n;
      };
      afterAll(async () => {
        for (const n of nases) await n.close();
      });
      const disconnect = (id: string) => t.admin().post(`/api/sessions/${id}/disconnect`);

      it('RouterOS: ACK for its session (User-Name, Acct-Session-Id, Framed-IP-Address) closes it with Admin-Reset', async () => {
        const ros = await nas('routeros', '127.0.0.1');
        const r = await createRouter(t, { vendor: 'mikrotik', nasIp: '127.0.0.1', coaPort: ros.port, radiusSecret: SECRET });
        const id = await insertSession(t, r.id, { username: 'bob', framedIp: '10.5.0.7' });
        ros.addSession(await routerSessionOf(t, id, { 'Calling-Station-Id': 'AA:BB:CC:DD:EE:01' }));
        const ok = await disconnect(id).expect(200);
        expect(ok.body).toMatchObject({ sessionId: id, routerId: r.id, method: 'coa', outcome: 'ack' });
        expect(ros.requests.at(-1)!.attributes).toMatchObject({ 'User-Name': 'bob', 'Framed-IP-Address': '10.5.0.7' });
        expect(ros.requests.at(-1)!.types).not.toContain(80); // no Message-Authenticator
        expect(ros.sessions).toEqual([]);
        expect(await sessionRow(t, id)).toMatchObject({ terminate_cause: 'Admin-Reset' });
      });

      it('RouterOS: NAK Session-Context-Not-Found for a session it does not hold is 502, session unchanged', async () => {
        const ros = await nas('routeros', '127.0.0.4');
        const r = await createRouter(t, { vendor: 'mikrotik', nasIp: '127.0.0.4', coaPort: ros.port, radiusSecret: SECRET });
        const id = await insertSession(t, r.id, { framedIp: '10.5.0.8' });
        ros.addSession({ ...(await routerSessionOf(t, id)), 'Framed-IP-Address': '10.5.0.99' }); // another address: not this session
        const refused = await disconnect(id);
        expect(refused.status).toBe(502);
        expect(refused.body.message).toBe('Router answered Disconnect-NAK (Error-Cause Session-Context-Not-Found)');
        expect((await sessionRow(t, id)).stopped_at).toBeNull();
        expect(ros.sessions).toHaveLength(1);
      });

      it('answers 503 within the RPC timeout when the router never answers, after retransmitting', async () => {
        const ros = await nas('routeros', '127.0.0.5');
        ros.silent = true;
        const r = await createRouter(t, { vendor: 'mikrotik', nasIp: '127.0.0.5', coaPort: ros.port, radiusSecret: SECRET });
        const id = await insertSession(t, r.id);
        const started = Date.now();
        const res = await disconnect(id);
        expect(res.status).toBe(503);
        expect(res.body.message).toMatch(/offline or unreachable/);
        expect(Date.now() - started).toBeLessThan(4000); // RPC_TIMEOUT_MS 1500, a bounded target
        expect(ros.requests).toHaveLength(3);
        expect((await sessionRow(t, id)).stopped_at).toBeNull();
      });

      it('uspot without agent: DAE with attributes radius-das.c accepts, also for a UTF-8 username', async () => {
        const das = await nas('uspot', '127.0.0.2');
        const r = await createRouter(t, { vendor: 'uspot', nasIp: '127.0.0.2', coaPort: das.port, radiusSecret: SECRET });
        for (const username of ['alice', 'jörg']) {
          const id = await insertSession(t, r.id, { username, framedIp: '10.6.0.2' });
          // What uspot.uc client_auth stored: the Access-Request it sent (radius_init adds NAS-Identifier).
          das.addSession(
            await routerSessionOf(t, id, {
              'Calling-Station-Id': 'aa-bb-cc-dd-ee-01',
              'Called-Station-Id': '02-00-00-00-00-01',
              'NAS-Identifier': 'uspot-ap',
            }),
          );
          const res = await disconnect(id);
          expect({ username, status: res.status, message: res.body.message }).toEqual({ username, status: 200, message: undefined });
          expect(res.body.method).toBe('coa');
          expect(das.requests.at(-1)!.types).not.toContain(8); // Framed-IP-Address: NAKed by uspot
        }
        expect(das.sessions).toEqual([]);
      });

      it('uspot: a bare NAK (uspot sends no Error-Cause) for a client it does not hold is 502', async () => {
        const das = await nas('uspot', '127.0.0.3');
        const r = await createRouter(t, { vendor: 'uspot', nasIp: '127.0.0.3', coaPort: das.port, radiusSecret: SECRET });
        const id = await insertSession(t, r.id);
        const res = await disconnect(id);
        expect(res.status).toBe(502);
        expect(res.body.message).toBe('Router answered Disconnect-NAK');
        expect((await sessionRow(t, id)).stopped_at).toBeNull();
      });

      it('uspot: when the ACK is lost, the retransmission is NAKed (no duplicate detection): 502 says so', async () => {
        const das = await nas('uspot', '127.0.0.6');
        const r = await createRouter(t, { vendor: 'uspot', nasIp: '127.0.0.6', coaPort: das.port, radiusSecret: SECRET });
        const id = await insertSession(t, r.id);
        das.addSession(await routerSessionOf(t, id));
        das.dropReplies = 1;
        const res = await disconnect(id);
        expect(das.replies.map((x) => x.code)).toEqual(['Disconnect-ACK', 'Disconnect-NAK']);
        expect(res.status).toBe(502);
        expect(res.body.message).toMatch(/retransmission.*may have ended it/);
        expect(das.sessions).toEqual([]); // the user is gone; uspot's own Admin-Reset Stop closes the row
      });

      it('generic (CoovaChilli): ACK by User-Name and Acct-Session-Id', async () => {
        const chilli = await nas('coova', '127.0.0.7');
        const r = await createRouter(t, { vendor: 'generic', nasIp: '127.0.0.7', coaPort: chilli.port, radiusSecret: SECRET });
        const id = await insertSession(t, r.id, { username: 'carol', framedIp: '10.7.0.3' });
        chilli.addSession({ 'User-Name': 'carol', 'Acct-Session-Id': (await routerSessionOf(t, id))['Acct-Session-Id'] });
        await disconnect(id).expect(200);
        expect(chilli.sessions).toEqual([]);
      });

      describe('the fakes refuse what the real routers refuse', () => {
        const send = (n: TestNas, attributes: RadiusAttribute[]) =>
          t.app.get(CoaClient).disconnect({ host: '127.0.0.8', port: n.port, secret: SECRET }, attributes, 1500);
        let uspot: TestNas;
        let ros: TestNas;
        beforeAll(async () => {
          uspot = await nas('uspot', '127.0.0.8');
          ros = await nas('routeros', '127.0.0.8');
          ros.identity = { 'NAS-Identifier': 'mt-1' };
        });

        it.each<[string, RadiusAttribute[], CoaResult]>([
          // radius-das.c disconnect_attrid_not_supported
          ['Framed-IP-Address', [['Framed-IP-Address', '10.6.0.2']], { outcome: 'nak' }],
          ['NAS-Port', [['NAS-Port', 1]], { outcome: 'nak' }],
          ['Reply-Message', [['Reply-Message', 'bye']], { outcome: 'nak' }],
          ['Event-Timestamp', [['Event-Timestamp', new Date()]], { outcome: 'nak' }],
          // toval_str: only printable ASCII
          ['a UTF-8 User-Name', [['User-Name', 'jörg']], { outcome: 'nak' }],
          // das_match_client: every attribute must equal the stored request
          ['an unknown Acct-Session-Id', [['Acct-Session-Id', 'nope']], { outcome: 'nak' }],
        ])('uspot NAKs %s', async (_what, attributes, expected) => {
          uspot.sessions.length = 0;
          uspot.addSession({ 'User-Name': 'alice', 'Acct-Session-Id': 'abc', 'Framed-IP-Address': '10.6.0.2' });
          expect(await send(uspot, attributes)).toEqual(expected);
          expect(uspot.sessions).toHaveLength(1);
        });

        it.each<[string, RadiusAttribute[], CoaResult]>([
          [
            'an attribute RFC 5176 does not allow in a Disconnect',
            [
              ['User-Name', 'bob'],
              ['Session-Timeout', 60],
            ],
            { outcome: 'nak', errorCause: 'Unsupported-Attribute' },
          ],
          ['no session attribute', [['NAS-Identifier', 'mt-1']], { outcome: 'nak', errorCause: 'Missing-Attribute' }],
          [
            'another NAS',
            [
              ['User-Name', 'bob'],
              ['NAS-Identifier', 'mt-2'],
            ],
            { outcome: 'nak', errorCause: 'NAS-Identification-Mismatch' },
          ],
          [
            'a session it does not hold',
            [
              ['User-Name', 'bob'],
              ['Acct-Session-Id', 'other'],
            ],
            { outcome: 'nak', errorCause: 'Session-Context-Not-Found' },
          ],
        ])('RouterOS NAKs %s with its Error-Cause', async (_what, attributes, expected) => {
          ros.sessions.length = 0;
          ros.addSession({ 'User-Name': 'bob', 'Acct-Session-Id': 'b-1' });
          expect(await send(ros, attributes)).toEqual(expected);
          expect(ros.sessions).toHaveLength(1);
        });
      });
    });
  });

  describe('two instances on one database', () => {
    let t2: TestApp;
    beforeAll(async () => {
      t2 = await startTestApp(ENV, t.databaseUrl);
    });
    afterAll(() => t2.close());

    it('routes a disconnect received by instance B to the agent connected to instance A', async () => {
      expect(t.app.get(InstanceId).value).not.toBe(t2.app.get(InstanceId).value);
      const r = await createRouter(t, { vendor: 'uspot' });
      const { agent, calls } = await startAgent(t, r.token);
      await waitFor(() => routerOnline(t2, r.id), 3000, 'online as seen by B');
      const id = await insertSession(t, r.id, { mac: '02:00:00:00:00:0a' });
      const res = await t2.admin().post(`/api/sessions/${id}/disconnect`).expect(200);
      expect(res.body).toMatchObject({ method: 'websocket', outcome: 'ack' });
      expect(calls.at(-1)).toEqual({ method: 'client_remove', params: { uspot: 'captive', address: '02:00:00:00:00:0a' } });
      expect((await sessionRow(t, id)).terminate_cause).toBe('Admin-Reset');
      await agent.stop();
    });

    it('closes the socket on instance A when the router reconnects to instance B', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const onA = await rawClient(t, r.token);
      await waitFor(() => routerOnline(t, r.id), 2000, 'online');
      const onB = await rawClient(t2, r.token);
      expect(await onA.closed).toEqual({ code: 4000, reason: 'replaced' });
      const [row] = await sql<{ connected_instance: string }>(t.databaseUrl, 'SELECT connected_instance FROM routers WHERE id = $1', [
        r.id,
      ]);
      expect(row.connected_instance).toBe(t2.app.get(InstanceId).value);
      onB.ws.close();
    });

    /** Bounded target from the issue: a revoked router's socket is gone "within seconds". */
    const REVOKE_WITHIN_MS = 5000;
    const closedWithin = <T>(p: Promise<T>, ms: number) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms))]);

    it('closes the live socket on instance A when instance B rotates the router token', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const onA = await rawClient(t, r.token);
      await waitFor(() => routerOnline(t2, r.id), 3000, 'online as seen by B');
      const rotated = await t2.admin().post(`/api/routers/${r.id}/token`).expect(201);
      expect(await closedWithin(onA.closed, REVOKE_WITHIN_MS)).toEqual({ code: 4001, reason: 'token revoked' });
      await waitFor(async () => !(await routerOnline(t2, r.id)), 3000, 'offline');
      expect(await upgradeStatus(t, '/routers/ws', `Bearer ${r.token}`)).toBe(401);
      const fresh = await rawClient(t, rotated.body.token);
      fresh.ws.close();
    });

    it('closes the live socket on instance A when instance B deletes the router', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const onA = await rawClient(t, r.token);
      await waitFor(() => routerOnline(t2, r.id), 3000, 'online as seen by B');
      await t2.admin().delete(`/api/routers/${r.id}`).expect(204);
      expect(await closedWithin(onA.closed, REVOKE_WITHIN_MS)).toEqual({ code: 4004, reason: 'router deleted' });
    });

    it('closes the socket when the token is changed by plain SQL, not through the API', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const onB = await rawClient(t2, r.token);
      await waitFor(() => routerOnline(t, r.id), 3000, 'online');
      await sql(t.databaseUrl, `UPDATE routers SET token_hash = md5(random()::text) WHERE id = $1`, [r.id]);
      expect(await closedWithin(onB.closed, REVOKE_WITHIN_MS)).toEqual({ code: 4001, reason: 'token revoked' });
    });

    it('closes the socket at the next sweep when the revocation notification was lost', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const onA = await rawClient(t, r.token);
      await waitFor(() => routerOnline(t, r.id), 3000, 'online');
      // Triggers off for this one transaction: the change happens, no notification is sent.
      await sql(
        t.databaseUrl,
        `DO $$ BEGIN SET LOCAL session_replication_role = replica; UPDATE routers SET token_hash = md5(random()::text) WHERE id = '${r.id}'; END $$`,
      );
      await t2.app.get(RouterRevocation).sweep(); // instance B holds nothing of this router: a no-op there
      expect(onA.ws.readyState).toBe(WebSocket.OPEN);
      await t.app.get(RouterRevocation).sweep(); // what A's timer runs every revalidateMs
      expect(await closedWithin(onA.closed, REVOKE_WITHIN_MS)).toEqual({ code: 4001, reason: 'token revoked' });
    });

    it('answers 503 when the instance named as holder never replies', async () => {
      const r = await createRouter(t, { vendor: 'uspot', nasIp: '127.0.0.9', coaPort: 9 });
      await sql(t.databaseUrl, `UPDATE routers SET connected_instance = 'crashed-instance' WHERE id = $1`, [r.id]);
      const id = await insertSession(t, r.id);
      const res = await t2.admin().post(`/api/sessions/${id}/disconnect`);
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/crashed-instance/);
    });
  });

  describe('automatic disconnects', () => {
    async function accountWithSession(routerId: string) {
      const c = await t
        .admin()
        .post('/api/customers')
        .send({ name: `C ${randomUUID().slice(0, 6)}` })
        .expect(201);
      const a = await t
        .admin()
        .post(`/api/customers/${c.body.id}/accounts`)
        .send({ username: `u${randomUUID().slice(0, 8)}`, password: 'pw-pw-pw', kind: 'hotspot' })
        .expect(201);
      const s1 = await insertSession(t, routerId, { accountId: a.body.id, mac: '02:00:00:00:01:01' });
      const s2 = await insertSession(t, routerId, { accountId: a.body.id, mac: '02:00:00:00:01:02' });
      return { accountId: a.body.id as string, sessions: [s1, s2] };
    }

    it('disconnects every open session of a banned account through the agent', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const { agent, calls } = await startAgent(t, r.token);
      const { accountId, sessions } = await accountWithSession(r.id);
      await t.admin().patch(`/api/accounts/${accountId}`).send({ status: 'banned' }).expect(200);
      for (const s of sessions) await waitFor(async () => (await sessionRow(t, s)).stopped_at, 4000, `session ${s} closed`);
      const removed = calls.filter((c) => c.method === 'client_remove').map((c) => c.params.address);
      expect(removed.sort()).toEqual(['02:00:00:00:01:01', '02:00:00:00:01:02']);
      await agent.stop();
    });

    it('disconnects the session named by a sessionLimitReached event', async () => {
      const r = await createRouter(t, { vendor: 'uspot' });
      const { agent, calls } = await startAgent(t, r.token);
      const { accountId, sessions } = await accountWithSession(r.id);
      const event: SessionLimitReachedEvent = { sessionId: sessions[0], accountId, reason: 'quota' };
      t.app.get(EventEmitter2).emit(AAA_EVENTS.sessionLimitReached, event);
      await waitFor(async () => (await sessionRow(t, sessions[0])).stopped_at, 4000, 'session closed');
      expect((await sessionRow(t, sessions[0])).terminate_cause).toBe('Admin-Reset');
      expect((await sessionRow(t, sessions[1])).stopped_at).toBeNull();
      expect(calls.filter((c) => c.method === 'client_remove')).toHaveLength(1);
      await agent.stop();
    });

    it('cuts a session whose Interim-Update uses up the quota, end to end from accounting', async () => {
      const r = await createRouter(t, { vendor: 'uspot', nasIp: '198.51.100.240' });
      const { agent, calls } = await startAgent(t, r.token);
      const c = await t.admin().post('/api/customers').send({ name: 'Quota' }).expect(201);
      await t
        .admin()
        .post(`/api/customers/${c.body.id}/accounts`)
        .send({ username: 'quota.user', password: 'pw-pw-pw', kind: 'hotspot', quotaBytes: 1000 })
        .expect(201);
      const base = { 'User-Name': 'quota.user', 'Acct-Session-Id': 'q-1', 'Calling-Station-Id': '02:00:00:00:09:01' };
      await radiusCall(t.url, 'accounting', '198.51.100.240', { ...base, 'Acct-Status-Type': 'Start' }).expect(204);
      await radiusCall(t.url, 'accounting', '198.51.100.240', {
        ...base,
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Input-Octets': 600,
      }).expect(204);
      expect(calls.filter((x) => x.method === 'client_remove')).toHaveLength(0);
      await radiusCall(t.url, 'accounting', '198.51.100.240', {
        ...base,
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Input-Octets': 1200,
      }).expect(204);
      const [row] = await sql<{ id: string }>(t.databaseUrl, "SELECT id FROM sessions WHERE acct_session_id = 'q-1'");
      await waitFor(async () => (await sessionRow(t, row.id)).stopped_at, 4000, 'quota session closed');
      expect(calls.filter((x) => x.method === 'client_remove').map((x) => x.params.address)).toEqual(['02:00:00:00:09:01']);
      await agent.stop();
    });

    it('logs and swallows a failed automatic disconnect (router offline)', async () => {
      const r = await createRouter(t, { vendor: 'uspot', nasIp: '127.0.0.10', coaPort: 9 });
      const { accountId, sessions } = await accountWithSession(r.id);
      const event: SessionLimitReachedEvent = { sessionId: sessions[0], accountId, reason: 'expired' };
      t.app.get(EventEmitter2).emit(AAA_EVENTS.sessionLimitReached, event);
      await new Promise((res) => setTimeout(res, 1800)); // past the RPC timeout
      expect((await sessionRow(t, sessions[0])).stopped_at).toBeNull();
      await request(t.url)
        .get('/health')
        .expect((res) => expect(res.status).toBeLessThan(500));
    });
  });
});
