import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { AuditLog, SessionArchiver, StaleSessionReaper } from '@app/aaa';
import { AuditRetention } from '../libs/aaa/src/audit/audit-retention';
import { OpenApiDoc, Operation, resolve, Schema, validObject } from './support/fuzz';
import { reservePort } from './support/freeradius';
import { operatorWithToken } from './support/operators';
import { radiusCall } from './support/rlm-rest';
import { sql } from './support/test-db';
import { ADMIN_TOKEN, asBearer, RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * Issue 16: every write through the admin API appends an entry (who, from where, what,
 * before/after with secrets redacted, the outcome); system writes too; the log is
 * append-only in the database and leaves only by partition; GET /api/audit-log reads it.
 */

interface Entry {
  id: string;
  at: string;
  actorType: string;
  operatorId: string | null;
  actorName: string | null;
  tokenId: string | null;
  tokenPrefix: string | null;
  sourceIp: string | null;
  method: string | null;
  path: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  outcome: string;
  status: number | null;
  detail: string | null;
}

const NAS = '127.0.0.1';

describe('audit log (real PostgreSQL)', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof operatorWithToken>>;
  let support: Awaited<ReturnType<typeof operatorWithToken>>;
  let readonly: Awaited<ReturnType<typeof operatorWithToken>>;

  /** Entries as the API lists them, newest first. */
  const entries = async (query = ''): Promise<Entry[]> => (await t.admin().get(`/api/audit-log?limit=500&${query}`).expect(200)).body.items;
  const latest = async (query: string): Promise<Entry> => (await entries(query))[0];

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1', RPC_TIMEOUT_MS: '100', AUDIT_LOG_MONTHS: '24' });
    owner = await operatorWithToken(t.admin(), 'owner');
    support = await operatorWithToken(t.admin(), 'support');
    readonly = await operatorWithToken(t.admin(), 'readonly');
  });
  afterAll(() => t?.close());

  it('records who did what, from where, with the fields that changed', async () => {
    const as = asBearer(t.url, owner.token);
    const c = (await as.post('/api/customers').set('x-forwarded-for', '192.0.2.10').send({ name: 'Alice', notes: 'vip' }).expect(201)).body;
    await as.patch(`/api/customers/${c.id}`).set('x-forwarded-for', '192.0.2.10').send({ name: 'Alice B.', notes: 'vip' }).expect(200);
    const [update, create] = await entries(`target=${c.id}`);
    expect(create).toMatchObject({
      actorType: 'operator',
      operatorId: owner.operatorId,
      actorName: expect.stringMatching(/^owner /),
      tokenId: owner.tokenId,
      tokenPrefix: owner.prefix,
      sourceIp: '192.0.2.10',
      method: 'POST',
      path: '/api/customers',
      action: 'customers.create',
      targetType: 'customer',
      targetId: c.id,
      outcome: 'ok',
      status: 201,
      detail: null,
    });
    expect(create.changes).toEqual({
      name: { from: null, to: 'Alice' },
      notes: { from: null, to: 'vip' },
    });
    expect(update).toMatchObject({
      method: 'PATCH',
      path: `/api/customers/${c.id}`,
      action: 'customers.update',
      status: 200,
      outcome: 'ok',
    });
    expect(update.changes).toEqual({ name: { from: 'Alice', to: 'Alice B.' } });
    await as.delete(`/api/customers/${c.id}`).expect(204);
    expect(await latest(`target=${c.id}`)).toMatchObject({
      action: 'customers.remove',
      status: 204,
      changes: expect.objectContaining({ name: { from: 'Alice B.', to: null } }),
    });
  });

  it('believes X-Forwarded-For only from TRUSTED_PROXIES', async () => {
    const plain = await startTestApp({}, t.databaseUrl);
    try {
      const c = await asBearer(plain.url, owner.token)
        .post('/api/customers')
        .set('x-forwarded-for', '192.0.2.99')
        .send({ name: 'Spoof' })
        .expect(201);
      expect((await latest(`target=${c.body.id}`)).sourceIp).toBe('127.0.0.1');
    } finally {
      await plain.close();
    }
  });

  it('never holds a password or a secret, and still says that one changed', async () => {
    const as = asBearer(t.url, owner.token);
    const c = (await as.post('/api/customers').send({ name: 'Sec' }).expect(201)).body;
    const a = (
      await as
        .post(`/api/customers/${c.id}/accounts`)
        .send({ username: 'sec.user', password: 'first-Pa55word', kind: 'vpn', restrictions: ['unpaid'] })
        .expect(201)
    ).body;
    const patched = await as.patch(`/api/accounts/${a.id}`).send({ password: 'second-Pa55word', status: 'banned' }).expect(200);
    // Fields the PATCH did not name keep their values, in the answer too.
    expect(patched.body).toMatchObject({ status: 'banned', maxSessions: 1, group: 'user', restrictions: ['unpaid'], usedBytes: 0 });
    await asBearer(t.url, support.token).put(`/api/accounts/${a.id}/password`).send({ password: 'third-Pa55word' }).expect(200);
    await asBearer(t.url, support.token).delete(`/api/accounts/${a.id}/restrictions/unpaid`).expect(200);
    const router = (
      await as
        .post('/api/routers')
        .send({ name: 'r', vendor: 'uspot', nasIdentifier: 'sec-nas', nasIp: '192.0.2.50', uamSecret: 'uam-Secret-123' })
        .expect(201)
    ).body;
    const rotated = (await as.post(`/api/routers/${router.id}/token`).expect(201)).body;
    await as.patch(`/api/routers/${router.id}`).send({ radiusSecret: 'new-radius-Secret-0123456789', uamSecret: null }).expect(200);
    const tok = (await as.post(`/api/operators/${readonly.operatorId}/tokens`).send({ name: 'ci' }).expect(201)).body;

    const [clear, setPw, patch, create] = await entries(`target=${a.id}`);
    expect(create.changes).toMatchObject({ username: { from: null, to: 'sec.user' }, password: { from: '[redacted]', to: '[redacted]' } });
    expect(patch.changes).toEqual({ status: { from: 'active', to: 'banned' }, password: { from: '[redacted]', to: '[redacted]' } });
    expect(setPw).toMatchObject({
      action: 'accounts.setPassword',
      operatorId: support.operatorId,
      changes: { password: { from: '[redacted]', to: '[redacted]' } },
    });
    expect(clear).toMatchObject({
      action: 'accounts.clearRestriction',
      path: `/api/accounts/${a.id}/restrictions/unpaid`,
      changes: { restrictions: { from: ['unpaid'], to: [] } },
    });
    const [routerPatch, rotate, routerCreate] = await entries(`target=${router.id}`);
    expect(routerCreate.changes).toMatchObject({
      radiusSecret: { from: '[redacted]', to: '[redacted]' },
      token: { from: '[redacted]', to: '[redacted]' },
      hasUamSecret: { from: null, to: true },
    });
    expect(rotate).toMatchObject({ action: 'routers.rotateToken', changes: { token: { from: '[redacted]', to: '[redacted]' } } });
    expect(routerPatch.changes).toEqual({
      hasUamSecret: { from: true, to: false },
      radiusSecret: { from: '[redacted]', to: '[redacted]' },
    });
    expect(await latest(`target=${tok.id}`)).toMatchObject({
      action: 'operators.createToken',
      targetType: 'operator-token',
      changes: expect.objectContaining({ prefix: { from: null, to: tok.prefix }, token: { from: '[redacted]', to: '[redacted]' } }),
    });

    const everything = JSON.stringify(await sql(t.databaseUrl, 'SELECT * FROM audit_log'));
    for (const secret of [
      'first-Pa55word',
      'second-Pa55word',
      'third-Pa55word',
      router.radiusSecret,
      router.token,
      rotated.token,
      'uam-Secret-123',
      'new-radius-Secret-0123456789',
      tok.token,
      owner.token,
      ADMIN_TOKEN,
    ]) {
      expect([secret, everything.includes(secret)]).toEqual([secret, false]);
    }
  });

  it('records a failed write as an attempt, with its status and why', async () => {
    const as = asBearer(t.url, owner.token);
    const bad = await as.post('/api/customers').send({ name: '' });
    expect(bad.status).toBe(400);
    expect(await latest('action=customers.create&outcome=failed')).toMatchObject({
      operatorId: owner.operatorId,
      outcome: 'failed',
      status: 400,
      detail: expect.stringContaining('name'),
      targetId: null,
    });
    const c = (await as.post('/api/customers').send({ name: 'Dup' }).expect(201)).body;
    await as.post(`/api/customers/${c.id}/accounts`).send({ username: 'dup.user', password: 'pw-pw-pw', kind: 'vpn' }).expect(201);
    await as.post(`/api/customers/${c.id}/accounts`).send({ username: 'DUP.user', password: 'pw-pw-pw', kind: 'vpn' }).expect(409);
    expect(await latest('action=accounts.create')).toMatchObject({
      outcome: 'failed',
      status: 409,
      detail: 'Username already exists',
      targetId: c.id,
    });
    await as.delete('/api/speed-profiles/00000000-0000-4000-8000-000000000001').expect(404);
    expect(await latest('action=speed-profiles.remove')).toMatchObject({
      outcome: 'failed',
      status: 404,
      targetId: '00000000-0000-4000-8000-000000000001',
    });
  });

  it('records a write refused before it reached the API (malformed JSON) as the operator’s failed attempt, and not an anonymous one', async () => {
    const c = (await t.admin().post('/api/customers').send({ name: 'Json' }).expect(201)).body;
    const send = (token: string) =>
      request(t.url)
        .patch(`/api/customers/${c.id}`)
        .set('authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .send('{"name":');
    await send(owner.token).expect(400);
    const entry = await waitFor(
      () => latest(`target=${c.id}&outcome=failed`),
      (e) => e !== undefined,
    );
    expect(entry).toMatchObject({
      action: 'customers.update',
      operatorId: owner.operatorId,
      method: 'PATCH',
      status: 400,
      targetType: 'customer',
    });
    const before = (await entries()).length;
    await send(`rbo_${'B'.repeat(43)}`).expect(400);
    await t.admin().get('/api/customers').expect(200);
    expect((await entries()).length).toBe(before);
  });

  it('records a 403 as a denied attempt by the operator, and a 401 with the token prefix', async () => {
    await asBearer(t.url, readonly.token).post('/api/customers').send({ name: 'Nope' }).expect(403);
    expect(await latest('action=customers.create&outcome=denied')).toMatchObject({
      actorType: 'operator',
      operatorId: readonly.operatorId,
      tokenPrefix: readonly.prefix,
      status: 403,
      method: 'POST',
      path: '/api/customers',
      detail: 'needs the role admin, has readonly',
      changes: null,
    });
    await asBearer(t.url, support.token).get('/api/operators').expect(403);
    expect(await latest('action=operators.list&outcome=denied')).toMatchObject({ operatorId: support.operatorId, status: 403 });

    const revoked = await operatorWithToken(t.admin(), 'admin');
    await t.admin().delete(`/api/operators/${revoked.operatorId}/tokens/${revoked.tokenId}`).expect(204);
    await asBearer(t.url, revoked.token).patch('/api/routers/00000000-0000-4000-8000-000000000002').send({}).expect(401);
    expect(await latest('action=routers.update&outcome=denied')).toMatchObject({
      actorType: 'anonymous',
      operatorId: null,
      tokenPrefix: revoked.prefix,
      status: 401,
      detail: 'token refused: revoked',
    });
    // A wrong token of another shape leaves no part of itself in the log.
    await asBearer(t.url, 'some-Guessed-Admin-Token-xyz').delete('/api/ip-pools/00000000-0000-4000-8000-000000000003').expect(401);
    expect(await latest('action=ip-pools.remove&outcome=denied')).toMatchObject({ tokenPrefix: null, detail: 'token refused: unknown' });
    expect(JSON.stringify(await sql(t.databaseUrl, 'SELECT * FROM audit_log'))).not.toContain('Guessed');
  });

  it('takes writes made outside the admin API by a customer (the panel’s hook), secrets redacted', async () => {
    const customerId = '0d9f7a5e-4c3b-4a2d-9e1f-0a1b2c3d4e5f';
    await t.app
      .get(AuditLog)
      .record(
        { type: 'customer', customerId, operatorId: null, name: 'alice@example.org', tokenId: null, tokenPrefix: null },
        { action: 'panel.setPassword', targetType: 'account', targetId: 'acc-1', secrets: ['password'] },
        'ok',
        { sourceIp: '198.51.100.7', method: 'POST', path: '/panel/devices/acc-1/password', status: 303 },
      );
    expect(await latest('action=panel')).toMatchObject({
      actorType: 'customer',
      customerId,
      operatorId: null,
      actorName: 'alice@example.org',
      sourceIp: '198.51.100.7',
      targetId: 'acc-1',
      changes: { password: { from: '[redacted]', to: '[redacted]' } },
    });
  });

  it('names the bootstrap token as the actor of its writes', async () => {
    const c = (await t.admin().post('/api/customers').send({ name: 'Boot' }).expect(201)).body;
    expect(await latest(`target=${c.id}`)).toMatchObject({
      actorType: 'bootstrap',
      actorName: 'ADMIN_TOKEN',
      operatorId: null,
      tokenId: null,
    });
  });

  describe('system writes', () => {
    let accountId: string;
    let sessionId: string;

    beforeAll(async () => {
      await t
        .admin()
        .post('/api/routers')
        .send({ name: 'sys', vendor: 'mikrotik', nasIdentifier: 'sys-nas', nasIp: NAS, coaPort: reservePort() })
        .expect(201);
      const c = (await t.admin().post('/api/customers').send({ name: 'Sys' }).expect(201)).body;
      accountId = (
        await t
          .admin()
          .post(`/api/customers/${c.id}/accounts`)
          .send({ username: 'sys.user', password: 'pw-pw-pw', kind: 'vpn', maxSessions: 5 })
          .expect(201)
      ).body.id;
      for (const id of ['sys-1', 'sys-2']) {
        await radiusCall(t.radiusUrl, 'accounting', NAS, {
          'User-Name': 'sys.user',
          'Acct-Session-Id': id,
          'Acct-Status-Type': 'Start',
        }).expect(204);
      }
      [{ id: sessionId }] = await sql<{ id: string }>(t.databaseUrl, `SELECT id FROM sessions WHERE acct_session_id = 'sys-1'`);
    });

    it('an automatic disconnect after a ban is the system’s entry, with the reason and the outcome', async () => {
      await t.admin().patch(`/api/accounts/${accountId}`).send({ status: 'banned' }).expect(200);
      // The router at coaPort never answers: the disconnect fails after RPC_TIMEOUT_MS, and says so.
      const auto = await waitFor(
        async () => (await entries('action=sessions.disconnect')).filter((e) => e.actorType === 'system'),
        (l) => l.length === 2,
      );
      expect(auto[0]).toMatchObject({
        actorType: 'system',
        actorName: 'automatic disconnect',
        operatorId: null,
        targetType: 'session',
        outcome: 'failed',
        detail: expect.stringMatching(/^account banned: Router offline or unreachable/),
      });
    });

    it('the stale-session reaper logs each session it closes, in the same statement', async () => {
      const closed = await t.app.get(StaleSessionReaper).reap(new Date(Date.now() + 86400_000));
      expect(closed).toBeGreaterThanOrEqual(2);
      expect(await latest(`target=${sessionId}`)).toMatchObject({
        actorType: 'system',
        actorName: 'stale-session reaper',
        action: 'sessions.close',
        targetType: 'session',
        outcome: 'ok',
        changes: { stoppedAt: { from: null, to: expect.any(String) }, terminateCause: { from: null, to: 'Stale' } },
      });
    });

    it('the session archiver logs what it moved', async () => {
      await sql(t.databaseUrl, `UPDATE sessions SET stopped_at = now() - interval '30 days' WHERE acct_session_id IN ('sys-1', 'sys-2')`);
      const result = await t.app.get(SessionArchiver).archive();
      expect(result.moved).toBeGreaterThanOrEqual(2);
      expect(await latest('action=sessions.archive')).toMatchObject({
        actorType: 'system',
        actorName: 'session archiver',
        detail: expect.stringMatching(/^moved \d+ closed sessions/),
      });
    });
  });

  it('is append-only in the database: UPDATE, DELETE and TRUNCATE are refused, on the table and on each month', async () => {
    // A month with entries in it: row triggers fire per row.
    const [{ month }] = await sql<{ month: string }>(t.databaseUrl, 'SELECT tableoid::regclass::text AS month FROM audit_log LIMIT 1');
    const before = await sql(t.databaseUrl, 'SELECT count(*)::int AS n FROM audit_log');
    for (const statement of [
      `UPDATE audit_log SET detail = 'x'`,
      `DELETE FROM audit_log`,
      `TRUNCATE audit_log`,
      `UPDATE ${month} SET outcome = 'ok'`,
      `DELETE FROM ${month}`,
      `TRUNCATE ${month}`,
    ]) {
      await expect(sql(t.databaseUrl, statement)).rejects.toThrow(/audit_log is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    }
    expect(await sql(t.databaseUrl, 'SELECT count(*)::int AS n FROM audit_log')).toEqual(before);
  });

  it('drops whole months past AUDIT_LOG_MONTHS, and logs that it did', async () => {
    await sql(t.databaseUrl, `SELECT aaa_audit_partition('2020-03-15T00:00:00Z')`);
    await sql(
      t.databaseUrl,
      `INSERT INTO audit_log (at, actor_type, action, outcome) VALUES ('2020-03-15T00:00:00Z', 'system', 'old.thing', 'ok')`,
    );
    const dropped = await t.app.get(AuditRetention).run();
    expect(dropped).toContain('audit_log_p202003');
    expect(await sql(t.databaseUrl, `SELECT 1 FROM audit_log WHERE action = 'old.thing'`)).toEqual([]);
    expect(await latest('action=audit-log.retention')).toMatchObject({
      actorType: 'system',
      detail: expect.stringContaining('audit_log_p202003'),
    });
    // The current month stays, and entries keep arriving.
    const c = (await t.admin().post('/api/customers').send({ name: 'After' }).expect(201)).body;
    expect(await latest(`target=${c.id}`)).toMatchObject({ outcome: 'ok' });
  });

  it('an entry the database does not take is written to the application log instead; the write is not undone', async () => {
    const audit = t.app.get(AuditLog);
    const spy = jest.spyOn(audit as unknown as { insert: () => Promise<void> }, 'insert').mockRejectedValueOnce(new Error('disk full'));
    try {
      await asBearer(t.url, owner.token).post('/api/customers').send({ name: 'Unlogged' }).expect(201);
    } finally {
      spy.mockRestore();
    }
    const m = (await request(t.url).get('/metrics').expect(200)).text;
    expect(m).toMatch(/^audit_log_append_failures_total [1-9]/m);
  });

  it('lists newest first, filtered by operator, target, action (or its area), outcome and time, paged', async () => {
    const all = await entries();
    expect(all.map((e) => e.at)).toEqual(all.map((e) => e.at).sort((x, y) => y.localeCompare(x)));
    const mine = await entries(`operatorId=${support.operatorId}`);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((e) => e.operatorId === support.operatorId)).toBe(true);
    const area = await entries('action=accounts');
    expect(new Set(area.map((e) => e.action))).toEqual(
      new Set(['accounts.create', 'accounts.update', 'accounts.setPassword', 'accounts.clearRestriction']),
    );
    expect(await entries('action=account')).toEqual([]);
    const denied = await entries('outcome=denied');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((e) => e.outcome === 'denied')).toBe(true);
    const cut = all[Math.floor(all.length / 2)].at;
    const newer = await entries(`from=${encodeURIComponent(cut)}`);
    const older = await entries(`to=${encodeURIComponent(cut)}`);
    expect(newer.length + older.length).toBe(all.length);
    expect(older.every((e) => e.at < cut)).toBe(true);
    const page = (await t.admin().get('/api/audit-log?limit=2&offset=1').expect(200)).body;
    expect(page).toMatchObject({ total: all.length, limit: 2, offset: 1 });
    expect(page.items.map((e: Entry) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id));
    await t.admin().get('/api/audit-log?action=bad%20action').expect(400);
    await t.admin().get('/api/audit-log?operatorId=nope').expect(400);
  });
});

describe('no secret in the audit log across every write endpoint', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('runs each write in the OpenAPI document with secrets in every write-only field, then searches the whole log', async () => {
    t = await startTestApp({ RPC_TIMEOUT_MS: '100' });
    const admin = t.admin();
    const doc: OpenApiDoc = (await request(t.url).get('/docs-json').expect(200)).body;
    const ids: Record<string, string> = {};
    const router = (
      await admin
        .post('/api/routers')
        .send({ name: 'n', vendor: 'mikrotik', nasIdentifier: 'n-1', nasIp: NAS, coaPort: reservePort() })
        .expect(201)
    ).body;
    ids.routerId = router.id;
    ids.customerId = (await admin.post('/api/customers').send({ name: 'N' }).expect(201)).body.id;
    ids.speedProfileId = (await admin.post('/api/speed-profiles').send({ name: 'n', downloadKbps: 1, uploadKbps: 1 }).expect(201)).body.id;
    const account = (
      await admin
        .post(`/api/customers/${ids.customerId}/accounts`)
        .send({ username: 'n.user', password: 'n-Password-1', kind: 'vpn', restrictions: ['unpaid'] })
        .expect(201)
    ).body;
    await radiusCall(t.radiusUrl, 'accounting', NAS, {
      'User-Name': 'n.user',
      'Acct-Session-Id': 'n-1',
      'Acct-Status-Type': 'Start',
    }).expect(204);
    await radiusCall(t.radiusUrl, 'accounting', NAS, { 'Acct-Status-Type': 'Nope', 'Acct-Session-Id': 'n-dead' }).expect(204);
    const operator = await operatorWithToken(admin, 'admin');
    const [{ id: sessionId }] = await sql<{ id: string }>(t.databaseUrl, `SELECT id FROM sessions WHERE acct_session_id = 'n-1'`);
    const [{ id: deadLetterId }] = await sql<{ id: string }>(t.databaseUrl, 'SELECT id::text FROM accounting_dead_letters');
    const params: Record<string, string> = { sessionId, tokenId: operator.tokenId, flag: 'unpaid' };
    /** A real id for each path: the record the path is about. */
    const idFor = (path: string): string =>
      path.startsWith('/api/customers/')
        ? ids.customerId
        : path.startsWith('/api/accounts/')
          ? account.id
          : path.startsWith('/api/speed-profiles/')
            ? ids.speedProfileId
            : path.startsWith('/api/routers/')
              ? router.id
              : path.startsWith('/api/operators/')
                ? operator.operatorId
                : path.startsWith('/api/accounting/dead-letters/')
                  ? deadLetterId
                  : path.startsWith('/api/ip-pools/')
                    ? (ids.ipPoolId ?? '00000000-0000-4000-8000-000000000009')
                    : '00000000-0000-4000-8000-000000000009';

    const secrets = new Set<string>([
      ADMIN_TOKEN,
      RADIUS_TOKEN,
      '5e'.repeat(32),
      'n-Password-1',
      router.radiusSecret,
      router.token,
      operator.token,
    ]);
    const writes = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [path, m, op] as [string, string, Operation]))
      .filter(([, m]) => m !== 'get')
      .sort(([, a], [, b]) => Number(a === 'delete') - Number(b === 'delete'));
    expect(writes.length).toBeGreaterThan(15);
    const ran: string[] = [];
    for (const [path, method, op] of writes) {
      const url = path.replace(/\{(\w+)\}/g, (_, p: string) => params[p] ?? idFor(path));
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      let body: Record<string, unknown> | undefined;
      if (schema) {
        body = validObject(doc, schema, ids);
        for (const [name, prop] of Object.entries(resolve(doc, schema).properties ?? {})) {
          if (resolve(doc, prop).writeOnly) secrets.add((body[name] = `Secret-${name}-${randomBytes(6).toString('hex')}`) as string);
        }
      }
      let req = request(t.url)[method as 'post'](url).set('authorization', `Bearer ${ADMIN_TOKEN}`);
      if (body) req = req.send(body);
      const res = await req;
      ran.push(`${method.toUpperCase()} ${path} ${res.status}`);
      // Whatever a write hands out once (a router's secret and token, an operator token) is a secret too.
      const walk = (v: unknown, key = ''): void => {
        if (typeof v === 'string' && /secret|token|password/i.test(key) && key !== 'tokenPrefix' && v.length >= 8) secrets.add(v);
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
      };
      walk(res.body);
      if (res.body?.id && path === '/api/ip-pools') ids.ipPoolId = res.body.id;
    }
    // Most writes went through (2xx), so their entries hold real before/after diffs.
    expect(ran.filter((r) => / 2\d\d$/.test(r)).length).toBeGreaterThan(writes.length / 2);
    const log = await sql(t.databaseUrl, 'SELECT * FROM audit_log');
    expect(log.length).toBeGreaterThanOrEqual(writes.length);
    const text = JSON.stringify(log);
    const leaked = [...secrets].filter((s) => text.includes(s));
    expect({ leaked, ran }).toEqual({ leaked: [], ran });
  }, 120_000);
});

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for the audit entries');
}
