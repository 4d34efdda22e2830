import { randomUUID } from 'node:crypto';
import { InstanceId } from '@app/router-rpc';
import { createRouter, routerSessionOf, waitFor } from './support/rpc-helpers';
import { ERROR_CAUSE, TestNas } from './support/rpc-nas';
import { radiusCall } from './support/rlm-rest';
import { startTestApp, TestApp } from './support/test-app';
import { sql } from './support/test-db';

/**
 * Issue 15, live changes: RFC 5176 CoA-Requests from the real app (two instances on one
 * database, both listening for the hand-over) to a NAS stand-in on real UDP that answers as
 * RouterOS does (test/support/rpc-nas.ts: the RouterOS manual's RADIUS page, "Change of
 * Authorization", for what a CoA may change; RFC 5176 §2.2 and §3.5 for the codes and Error-Cause
 * values). Sessions are opened through the accounting endpoint, as FreeRADIUS would.
 */
const SECRET = 'nas-shared-secret-coa-0123456789';
const ENV = { RPC_TIMEOUT_MS: '1500' };
const PASSWORD = 'pw-pw-pw-1';

describe('live changes by CoA (RFC 5176) and fair-usage throttling', () => {
  let a: TestApp;
  let b: TestApp;
  const nases: TestNas[] = [];
  let hostN = 40;

  beforeAll(async () => {
    a = await startTestApp(ENV);
    b = await startTestApp(ENV, a.databaseUrl);
  });
  afterAll(async () => {
    for (const n of nases) await n.close();
    await b?.close();
    await a?.close();
  });

  /** A RouterOS stand-in on its own loopback address, registered as a mikrotik router. */
  async function mikrotik() {
    const host = `127.0.0.${hostN++}`;
    const nas = await new TestNas('routeros', SECRET, host).start();
    nases.push(nas);
    const router = await createRouter(a, { vendor: 'mikrotik', nasIp: host, coaPort: nas.port, radiusSecret: SECRET });
    return { nas, router, host };
  }

  async function profile(down: number, up: number): Promise<string> {
    const res = await a
      .admin()
      .post('/api/speed-profiles')
      .send({ name: `p-${randomUUID().slice(0, 8)}`, downloadKbps: down, uploadKbps: up })
      .expect(201);
    return res.body.id as string;
  }

  async function account(fields: Record<string, unknown>): Promise<{ id: string; username: string }> {
    const c = await a
      .admin()
      .post('/api/customers')
      .send({ name: `C ${randomUUID().slice(0, 6)}` })
      .expect(201);
    const username = `coa.${randomUUID().slice(0, 8)}`;
    const res = await a
      .admin()
      .post(`/api/customers/${c.body.id}/accounts`)
      .send({ username, password: PASSWORD, kind: 'vpn', ...fields })
      .expect(201);
    return { id: res.body.id as string, username };
  }

  let ipN = 1;
  /** Accounting-Start through the API (as FreeRADIUS posts it); the router holds the same session. */
  async function openSession(host: string, nas: TestNas, username: string) {
    const acctId = `s-${randomUUID().slice(0, 8)}`;
    const framedIp = `10.77.0.${ipN++}`;
    const base = {
      'User-Name': username,
      'Acct-Session-Id': acctId,
      'Framed-IP-Address': framedIp,
      'Calling-Station-Id': '02:00:00:00:77:01',
    };
    await radiusCall(a.url, 'accounting', host, { ...base, 'Acct-Status-Type': 'Start' }).expect(204);
    const [row] = await sql<{ id: string }>(a.databaseUrl, 'SELECT id FROM sessions WHERE acct_session_id = $1', [acctId]);
    const held = nas.addSession(await routerSessionOf(a, row.id, { 'Calling-Station-Id': '02:00:00:00:77:01' }));
    return { id: row.id, acctId, held, base };
  }

  /** The session as the admin API shows it, once its last CoA (of this reason) is recorded. */
  async function lastCoa(sessionId: string, reason: string) {
    return waitFor(
      async () => {
        const res = await a.admin().get(`/api/sessions/${sessionId}`).expect(200);
        return res.body.lastCoa?.reason === reason ? res.body : null;
      },
      6000,
      `a finished ${reason} CoA for ${sessionId}`,
    );
  }

  async function rateOnLogin(host: string, username: string): Promise<Record<string, unknown>> {
    const res = await radiusCall(a.radiusUrl, 'authorize', host, { 'User-Name': username, 'User-Password': PASSWORD }).expect(200);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(res.body as Record<string, { value: unknown }>)) {
      if (k.startsWith('reply:')) out[k.slice(6)] = v.value;
    }
    return out;
  }

  it('a speed profile edit reaches the open session: one CoA-Request with the new Mikrotik-Rate-Limit, ACKed', async () => {
    const { nas, host } = await mikrotik();
    const p = await profile(10000, 2000);
    const acc = await account({ speedProfileId: p });
    const s = await openSession(host, nas, acc.username);

    await a.admin().patch(`/api/speed-profiles/${p}`).send({ downloadKbps: 20000, uploadKbps: 4000 }).expect(200);
    const shown = await lastCoa(s.id, 'speed-profile');
    expect(shown.lastCoa).toMatchObject({ result: 'ack', errorCause: null });
    expect(shown.stoppedAt).toBeNull();

    const coas = nas.coaRequests();
    expect(coas).toHaveLength(1);
    // RouterOS names the session by User-Name, Acct-Session-Id and Framed-IP-Address; rx/tx from its side.
    expect(coas[0].attributes).toEqual({
      'User-Name': acc.username,
      'Acct-Session-Id': s.acctId,
      'Framed-IP-Address': s.base['Framed-IP-Address'],
      'Mikrotik-Rate-Limit': '4000k/20000k',
    });
    expect(coas[0].types).not.toContain(80); // no Message-Authenticator
    expect(s.held['Mikrotik-Rate-Limit']).toBe('4000k/20000k');
    expect(nas.requests.filter((r) => r.code === 'Disconnect-Request')).toHaveLength(0);
  });

  it('moving the account to another profile is sent too, and POST /api/sessions/:id/coa re-sends the current attributes', async () => {
    const { nas, host } = await mikrotik();
    const [slow, fast] = [await profile(5000, 1000), await profile(50000, 10000)];
    const acc = await account({ speedProfileId: slow });
    const s = await openSession(host, nas, acc.username);

    await a.admin().patch(`/api/accounts/${acc.id}`).send({ speedProfileId: fast }).expect(200);
    await lastCoa(s.id, 'account');
    expect(nas.coaRequests().map((r) => r.attributes['Mikrotik-Rate-Limit'])).toEqual(['10000k/50000k']);

    const res = await b.admin().post(`/api/sessions/${s.id}/coa`).expect(200);
    expect(res.body).toMatchObject({
      sessionId: s.id,
      reason: 'manual',
      outcome: 'ack',
      errorCause: null,
      sent: [['Mikrotik-Rate-Limit', '10000k/50000k']],
    });
    expect(nas.coaRequests()).toHaveLength(2);
    expect((await lastCoa(s.id, 'manual')).lastCoa.result).toBe('ack');

    await a.admin().post(`/api/sessions/${randomUUID()}/coa`).expect(404);
    await radiusCall(a.url, 'accounting', host, { ...s.base, 'Acct-Status-Type': 'Stop' }).expect(204);
    await a.admin().post(`/api/sessions/${s.id}/coa`).expect(409);
  });

  it('a NAK for a change that is not a restriction is recorded with its Error-Cause, and the session stays', async () => {
    const { nas, host } = await mikrotik();
    const p = await profile(10000, 2000);
    const acc = await account({ speedProfileId: p });
    const s = await openSession(host, nas, acc.username);
    s.held['Framed-IP-Address'] = '10.77.255.1'; // the router lost track of the address: no session matches

    await a.admin().patch(`/api/speed-profiles/${p}`).send({ downloadKbps: 30000 }).expect(200);
    const shown = await lastCoa(s.id, 'speed-profile');
    expect(shown.lastCoa).toMatchObject({ result: 'nak', errorCause: 'Session-Context-Not-Found' });
    expect(nas.replies.at(-1)).toEqual({ code: 'CoA-NAK', errorCause: ERROR_CAUSE.sessionContextNotFound });
    expect(shown.stoppedAt).toBeNull();
    expect(nas.requests.filter((r) => r.code === 'Disconnect-Request')).toHaveLength(0);
  });

  it('a restriction the router NAKs (Mikrotik-Address-List: Unsupported-Attribute) falls back to a disconnect', async () => {
    const { nas, host } = await mikrotik();
    const acc = await account({ speedProfileId: await profile(10000, 2000) });
    const s = await openSession(host, nas, acc.username);

    await a
      .admin()
      .patch(`/api/accounts/${acc.id}`)
      .send({ restrictions: ['unpaid'] })
      .expect(200);
    const shown = await lastCoa(s.id, 'restriction');
    expect(shown.lastCoa).toMatchObject({ result: 'disconnected', errorCause: 'Unsupported-Attribute' });
    expect(shown.stoppedAt).not.toBeNull();
    expect(shown.terminateCause).toBe('Admin-Reset');

    const [coa] = nas.coaRequests();
    expect(coa.attributes).toMatchObject({ 'Mikrotik-Address-List': 'restricted', 'Mikrotik-Rate-Limit': '2000k/10000k' });
    expect(nas.replies[0]).toEqual({ code: 'CoA-NAK', errorCause: ERROR_CAUSE.unsupportedAttribute });
    expect(nas.requests.filter((r) => r.code === 'Disconnect-Request')).toHaveLength(1);
    expect(nas.sessions).toEqual([]);
    // The next login is the restricted one.
    expect(await rateOnLogin(host, acc.username)).toMatchObject({ 'Mikrotik-Address-List': 'restricted' });
  });

  it('lifting a restriction on RouterOS disconnects (a CoA cannot take a session off the address list), so the next login is full', async () => {
    const { nas, host } = await mikrotik();
    const acc = await account({ speedProfileId: await profile(10000, 2000), restrictions: ['unpaid'] });
    const s = await openSession(host, nas, acc.username); // logged in restricted

    await a.admin().delete(`/api/accounts/${acc.id}/restrictions/unpaid`).expect(200);
    const shown = await lastCoa(s.id, 'restriction');
    expect(shown.lastCoa).toMatchObject({
      result: 'disconnected',
      errorCause: null,
      detail: 'not live on mikrotik: Mikrotik-Address-List (leaving the restricted list)',
    });
    expect(nas.coaRequests()).toHaveLength(0);
    expect(nas.requests.filter((r) => r.code === 'Disconnect-Request')).toHaveLength(1);
    expect(await rateOnLogin(host, acc.username)).not.toHaveProperty('Mikrotik-Address-List');
  });

  it('throttles at the limit by CoA instead of restricting, keeps later logins throttled, and restores full speed at the reset', async () => {
    const { nas, host } = await mikrotik();
    const full = await profile(10000, 2000);
    const slow = await profile(512, 256);
    const acc = await account({ speedProfileId: full, throttleProfileId: slow, quotaBytes: 1000, maxSessions: 2 });
    expect((await a.admin().get(`/api/accounts/${acc.id}`).expect(200)).body.throttleProfileId).toBe(slow);
    const s = await openSession(host, nas, acc.username);

    const interim = (octets: number) =>
      radiusCall(a.url, 'accounting', host, { ...s.base, 'Acct-Status-Type': 'Interim-Update', 'Acct-Input-Octets': octets }).expect(204);
    await interim(600);
    await interim(1200); // crosses the quota: the existing limit-reached event
    const throttled = await lastCoa(s.id, 'limit');
    expect(throttled.lastCoa).toMatchObject({ result: 'ack' });
    expect(throttled.stoppedAt).toBeNull();
    expect(s.held['Mikrotik-Rate-Limit']).toBe('256k/512k');
    expect(nas.coaRequests().at(-1)!.attributes).not.toHaveProperty('Mikrotik-Address-List');
    expect(nas.requests.filter((r) => r.code === 'Disconnect-Request')).toHaveLength(0);

    // A login during the throttled period: slow, not restricted, no byte cap.
    const login = await rateOnLogin(host, acc.username);
    expect(login['Mikrotik-Rate-Limit']).toBe('256k/512k');
    expect(login).not.toHaveProperty('Mikrotik-Address-List');
    expect(login).not.toHaveProperty('Mikrotik-Total-Limit');

    // The reset (a new quota period) is a live change back to full speed.
    await a.admin().patch(`/api/accounts/${acc.id}`).send({ usedBytes: 0 }).expect(200);
    expect((await lastCoa(s.id, 'reset')).lastCoa.result).toBe('ack');
    expect(s.held['Mikrotik-Rate-Limit']).toBe('2000k/10000k');
    expect(nas.coaRequests()).toHaveLength(2);
    expect((await rateOnLogin(host, acc.username))['Mikrotik-Rate-Limit']).toBe('2000k/10000k');
  });

  it('a used-up quota without a throttle profile restricts by CoA; the RouterOS NAK makes it a disconnect', async () => {
    const { nas, host } = await mikrotik();
    const acc = await account({ speedProfileId: await profile(10000, 2000), quotaBytes: 1000 });
    const s = await openSession(host, nas, acc.username);
    await radiusCall(a.url, 'accounting', host, { ...s.base, 'Acct-Status-Type': 'Interim-Update', 'Acct-Input-Octets': 1500 }).expect(204);
    const shown = await lastCoa(s.id, 'limit');
    expect(shown.lastCoa).toMatchObject({ result: 'disconnected', errorCause: 'Unsupported-Attribute' });
    expect(nas.coaRequests()[0].attributes).toMatchObject({ 'Mikrotik-Address-List': 'restricted' });
    expect(shown.stoppedAt).not.toBeNull();
  });

  it('an expiry, which every later Interim-Update reports again, is one change: one job, tried again only after a failure', async () => {
    const { nas, host } = await mikrotik();
    nas.silent = true; // first, neither the CoA nor the fallback disconnect is answered: the session stays open
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const acc = await account({
      speedProfileId: await profile(10000, 2000),
      expiresAt: new Date((hourAgo + 1800) * 1000).toISOString(), // expired half an hour into the session
    });
    const acctId = `s-${randomUUID().slice(0, 8)}`;
    const base = { 'User-Name': acc.username, 'Acct-Session-Id': acctId, 'Framed-IP-Address': '10.77.1.1' };
    await radiusCall(a.url, 'accounting', host, { ...base, 'Acct-Status-Type': 'Start', 'Event-Timestamp': hourAgo }).expect(204);
    const [row] = await sql<{ id: string }>(a.databaseUrl, 'SELECT id FROM sessions WHERE acct_session_id = $1', [acctId]);
    nas.addSession(await routerSessionOf(a, row.id));
    const interim = (octets: number) =>
      radiusCall(a.url, 'accounting', host, { ...base, 'Acct-Status-Type': 'Interim-Update', 'Acct-Input-Octets': octets }).expect(204);

    await interim(10);
    expect((await lastCoa(row.id, 'limit')).lastCoa).toMatchObject({ result: 'failed' });
    expect(nas.coaRequests()).toHaveLength(1);

    // The router answers again: the next report of the same expiry retries the same job.
    nas.silent = false;
    await interim(20);
    const done = await waitFor(
      async () => ((await lastCoa(row.id, 'limit')).lastCoa.result === 'disconnected' ? true : null),
      6000,
      'the retried job',
    );
    expect(done).toBe(true);
    expect(nas.coaRequests()).toHaveLength(2);
    const rows = await sql(a.databaseUrl, 'SELECT id FROM coa_requests WHERE session_id = $1', [row.id]);
    expect(rows).toHaveLength(1);

    // Closed now: a late report of the expiry sends nothing.
    await interim(30);
    await new Promise((r) => setTimeout(r, 300));
    expect(nas.coaRequests()).toHaveLength(2);
  });

  it('uspot: only the timeouts are live (radius-das.c, uspot.uc das_coa); the rate change is recorded as not live', async () => {
    const host = `127.0.0.${hostN++}`;
    const nas = await new TestNas('uspot', SECRET, host).start();
    nases.push(nas);
    await createRouter(a, { vendor: 'uspot', nasIp: host, coaPort: nas.port, radiusSecret: SECRET });
    const p = await a
      .admin()
      .post('/api/speed-profiles')
      .send({ name: `u-${randomUUID().slice(0, 8)}`, downloadKbps: 10000, uploadKbps: 2000, sessionTimeoutSeconds: 7200 })
      .expect(201);
    const acc = await account({ speedProfileId: p.body.id });
    const s = await openSession(host, nas, acc.username);

    await a.admin().patch(`/api/speed-profiles/${p.body.id}`).send({ downloadKbps: 20000, sessionTimeoutSeconds: 3600 }).expect(200);
    const shown = await lastCoa(s.id, 'speed-profile');
    expect(shown.lastCoa).toMatchObject({ result: 'ack', detail: 'not live on uspot: rate (WISPr-Bandwidth-Max-*)' });
    const [coa] = nas.coaRequests();
    expect(coa.attributes).toEqual({ 'Acct-Session-Id': s.acctId, 'Session-Timeout': '3600' });
    expect(s.held['Session-Timeout']).toBe('3600');

    // A restriction is not live on uspot at all: the session is disconnected (RFC 5176 Disconnect, no agent here).
    await a
      .admin()
      .patch(`/api/accounts/${acc.id}`)
      .send({ restrictions: ['unpaid'] })
      .expect(200);
    expect((await lastCoa(s.id, 'restriction')).lastCoa).toMatchObject({
      result: 'disconnected',
      detail: 'not live on uspot: rate (WISPr-Bandwidth-Max-*), restriction',
    });
    expect(nas.coaRequests()).toHaveLength(1);
    expect(nas.sessions).toEqual([]);
  });

  it('CoovaChilli (coova): the whole set config_radius_session reads, WISPr rates included', async () => {
    const host = `127.0.0.${hostN++}`;
    const nas = await new TestNas('coova', SECRET, host).start();
    nases.push(nas);
    await createRouter(a, { vendor: 'coova', nasIp: host, coaPort: nas.port, radiusSecret: SECRET });
    const p = await profile(10000, 2000);
    const acc = await account({ speedProfileId: p });
    const s = await openSession(host, nas, acc.username);

    await a.admin().patch(`/api/speed-profiles/${p}`).send({ downloadKbps: 20000 }).expect(200);
    expect((await lastCoa(s.id, 'speed-profile')).lastCoa.result).toBe('ack');
    expect(nas.coaRequests()[0].attributes).toMatchObject({
      'User-Name': acc.username,
      'Acct-Session-Id': s.acctId,
      'WISPr-Bandwidth-Max-Down': '20000000',
      'WISPr-Bandwidth-Max-Up': '2000000',
      'Acct-Interim-Interval': expect.any(String),
    });
    expect(s.held['WISPr-Bandwidth-Max-Down']).toBe('20000000');
  });

  it('two API instances send exactly one CoA per session for one change, whichever claims it', async () => {
    const { nas, host } = await mikrotik();
    const p = await profile(8000, 1000);
    const sessions = [];
    for (let i = 0; i < 6; i++) {
      const acc = await account({ speedProfileId: p });
      sessions.push(await openSession(host, nas, acc.username));
    }
    // Made through instance B; both instances hear the hand-over and race for every row.
    await b.admin().patch(`/api/speed-profiles/${p}`).send({ downloadKbps: 16000 }).expect(200);
    for (const s of sessions) await lastCoa(s.id, 'speed-profile');

    const coas = nas.coaRequests();
    expect(coas).toHaveLength(sessions.length);
    expect(new Set(coas.map((c) => c.attributes['Acct-Session-Id']))).toEqual(new Set(sessions.map((s) => s.acctId)));
    expect(sessions.every((s) => s.held['Mikrotik-Rate-Limit'] === '1000k/16000k')).toBe(true);
    const rows = await sql<{ claimed_by: string }>(
      a.databaseUrl,
      'SELECT claimed_by FROM coa_requests WHERE session_id = ANY ($1::uuid[])',
      [sessions.map((s) => s.id)],
    );
    expect(rows).toHaveLength(sessions.length);
    const instances = new Set([a.app.get(InstanceId).value, b.app.get(InstanceId).value]);
    expect(rows.every((r) => instances.has(r.claimed_by))).toBe(true);
  });
});
