import { createHash } from 'node:crypto';
import request from 'supertest';
import { Clock } from '@app/aaa';
import { asBearer, ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';
import { operatorWithToken } from './support/operators';
import { sql } from './support/test-db';

/**
 * Issue 16: personal tokens, created, used, revoked and expired, across two API
 * instances on one database; role changes and deleted operators; the last owner; the
 * bootstrap ADMIN_TOKEN and its retirement; the brute-force slowdown and its metrics.
 */

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The value of one sample on /metrics (0 when absent). prom-client's registry is per process: compare deltas. */
async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('operator tokens across two API instances (real PostgreSQL)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' });
    b = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' }, a.databaseUrl);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await b?.close();
    await a?.close();
  });

  it('shows a token once, keeps only its hash, and lists it by prefix', async () => {
    const op = (await a.admin().post('/api/operators').send({ name: 'Ann', email: 'ann@isp.example', role: 'admin' }).expect(201)).body;
    const created = await a.admin().post(`/api/operators/${op.id}/tokens`).send({ name: 'laptop' }).expect(201);
    const { token, prefix, id } = created.body;
    expect(token).toMatch(/^rbo_[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(token.slice(0, 12));
    const [row] = await sql(a.databaseUrl, 'SELECT * FROM operator_tokens WHERE id = $1', [id]);
    expect(row.token_hash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
    const list = await b.admin().get(`/api/operators/${op.id}/tokens`).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id, name: 'laptop', prefix, revokedAt: null, expiresAt: null })]);
    expect(JSON.stringify(list.body)).not.toContain(token.slice(12));
    await asBearer(b.url, token).get('/api/customers').expect(200);
  });

  it('a revoked token is refused at once on both instances, including the one that had it cached', async () => {
    const t = await operatorWithToken(a.admin(), 'admin');
    // Both instances have looked the token up and keep it in memory.
    for (const app of [a, b]) for (let i = 0; i < 2; i++) await asBearer(app.url, t.token).get('/api/customers').expect(200);
    await a.admin().delete(`/api/operators/${t.operatorId}/tokens/${t.tokenId}`).expect(204);
    for (const app of [b, a]) {
      const res = await asBearer(app.url, t.token).get('/api/customers');
      expect([res.status, res.body.message]).toEqual([401, 'This token has been revoked']);
    }
    const [row] = await sql(a.databaseUrl, 'SELECT revoked_at FROM operator_tokens WHERE id = $1', [t.tokenId]);
    expect(row.revoked_at).toBeInstanceOf(Date);
    // Revoking again changes nothing; a token of another operator is not found under this one.
    await b.admin().delete(`/api/operators/${t.operatorId}/tokens/${t.tokenId}`).expect(204);
    const other = await operatorWithToken(a.admin(), 'readonly');
    await a.admin().delete(`/api/operators/${t.operatorId}/tokens/${other.tokenId}`).expect(404);
  });

  it('a revocation made in plain SQL reaches both instances through the trigger', async () => {
    const t = await operatorWithToken(a.admin(), 'readonly');
    for (const app of [a, b]) await asBearer(app.url, t.token).get('/api/customers').expect(200);
    await sql(a.databaseUrl, 'UPDATE operator_tokens SET revoked_at = now() WHERE id = $1', [t.tokenId]);
    for (const app of [a, b]) await waitFor(async () => (await asBearer(app.url, t.token).get('/api/customers')).status === 401);
  });

  it('an expired token is refused from the moment it expires, on both instances, cached or not', async () => {
    const expiresAt = new Date(Date.now() + 3600_000);
    const t = await operatorWithToken(a.admin(), 'admin', { expiresAt });
    for (const app of [a, b]) await asBearer(app.url, t.token).get('/api/customers').expect(200);
    const before = await metric(a.url, 'admin_auth_failures_total', 'reason="expired"');
    const late = new Date(expiresAt.getTime() + 1);
    const clocks = [a, b].map((app) => jest.spyOn(app.app.get(Clock), 'now').mockReturnValue(late));
    try {
      for (const app of [a, b]) {
        const res = await asBearer(app.url, t.token).get('/api/customers');
        expect([res.status, res.body.message]).toEqual([401, 'This token has expired']);
      }
    } finally {
      clocks.forEach((c) => c.mockRestore());
    }
    expect(await metric(a.url, 'admin_auth_failures_total', 'reason="expired"')).toBe(before + 2);
    // A token cannot be made already expired.
    const past = await a
      .admin()
      .post(`/api/operators/${t.operatorId}/tokens`)
      .send({ name: 'x', expiresAt: new Date(Date.now() - 1000) });
    expect([past.status, past.body.message]).toEqual([400, 'expiresAt must be in the future']);
  });

  it('a role change applies at once on the other instance, through the token it has cached', async () => {
    const t = await operatorWithToken(a.admin(), 'support');
    const onB = asBearer(b.url, t.token);
    await onB.get('/api/customers').expect(200);
    await onB.post('/api/customers').send({ name: 'X' }).expect(403);
    await a.admin().patch(`/api/operators/${t.operatorId}`).send({ role: 'admin' }).expect(200);
    await onB.post('/api/customers').send({ name: 'X' }).expect(201);
    await a.admin().patch(`/api/operators/${t.operatorId}`).send({ role: 'readonly' }).expect(200);
    await onB.post('/api/customers').send({ name: 'X' }).expect(403);
    await onB.get('/api/customers').expect(200);
  });

  it('deleting an operator ends its tokens on every instance', async () => {
    const t = await operatorWithToken(a.admin(), 'admin');
    await asBearer(b.url, t.token).get('/api/customers').expect(200);
    await a.admin().delete(`/api/operators/${t.operatorId}`).expect(204);
    await asBearer(b.url, t.token).get('/api/customers').expect(401);
    await a.admin().get(`/api/operators/${t.operatorId}`).expect(404);
  });

  it('keeps at least one owner, and only owners manage operators', async () => {
    const owner = await operatorWithToken(a.admin(), 'owner');
    const others: { items: { id: string; role: string }[] } = (await a.admin().get('/api/operators?limit=500').expect(200)).body;
    for (const o of others.items.filter((x) => x.role === 'owner' && x.id !== owner.operatorId)) {
      await a.admin().delete(`/api/operators/${o.id}`).expect(204);
    }
    const demote = await asBearer(a.url, owner.token).patch(`/api/operators/${owner.operatorId}`).send({ role: 'admin' });
    expect([demote.status, demote.body.message]).toEqual([409, 'This is the last owner: make another operator owner first']);
    await asBearer(a.url, owner.token).delete(`/api/operators/${owner.operatorId}`).expect(409);
    const second = await operatorWithToken(asBearer(a.url, owner.token), 'owner');
    await asBearer(b.url, second.token).patch(`/api/operators/${owner.operatorId}`).send({ role: 'admin' }).expect(200);
    // Now an admin: operators are out of reach, everything else is not.
    await asBearer(b.url, owner.token).get('/api/operators').expect(403);
    await asBearer(b.url, owner.token).get('/api/audit-log').expect(200);
  });

  it('refuses a duplicate email, whatever its case', async () => {
    await a.admin().post('/api/operators').send({ name: 'Bo', email: 'bo@isp.example', role: 'readonly' }).expect(201);
    const dup = await a.admin().post('/api/operators').send({ name: 'Bo 2', email: 'BO@isp.example', role: 'readonly' });
    expect([dup.status, dup.body.message]).toEqual([409, 'An operator with this email already exists']);
  });

  describe('retiring the bootstrap token', () => {
    let c: TestApp;
    afterAll(() => c?.close());

    it('with ADMIN_TOKEN_ENABLED=false only personal tokens open the API', async () => {
      // The documented path: make an owner with a personal token using ADMIN_TOKEN, then restart without it.
      const owner = await operatorWithToken(a.admin(), 'owner');
      c = await startTestApp({ ADMIN_TOKEN_ENABLED: 'false' }, a.databaseUrl);
      expect(c.config.adminToken).toBeUndefined();
      await request(c.url).get('/api/customers').set('authorization', `Bearer ${ADMIN_TOKEN}`).expect(401);
      const me = await asBearer(c.url, owner.token).get('/api/me').expect(200);
      expect(me.body).toMatchObject({ type: 'operator', role: 'owner', operatorId: owner.operatorId });
    });
  });

  describe('brute force from one address', () => {
    const ATTACKER = '203.0.113.66';
    const bad = (url: string, from: string, token = `rbo_${'A'.repeat(43)}`) =>
      request(url).get('/api/customers').set('x-forwarded-for', from).set('authorization', `Bearer ${token}`);

    it('is slowed down after ten bad tokens, then refused with Retry-After; other addresses are not; /metrics counts it', async () => {
      const counts = async () => ({
        unknown: await metric(a.url, 'admin_auth_failures_total', 'reason="unknown"'),
        delayed: await metric(a.url, 'admin_auth_throttled_total', 'action="delayed"'),
        refused: await metric(a.url, 'admin_auth_throttled_total', 'action="refused"'),
      });
      const start = await counts();
      for (let i = 0; i < 10; i++) await bad(a.url, ATTACKER).expect(401);
      expect(await counts()).toEqual({ ...start, unknown: start.unknown + 10 });

      // Five more at once: they wait for slots 0, 1, 3 and 7 s away; the fifth would wait past 10 s and is refused.
      const burst = await Promise.all(Array.from({ length: 5 }, () => bad(a.url, ATTACKER)));
      expect(burst.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 429]);
      const refused = burst.find((r) => r.status === 429)!;
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(10);
      expect(refused.body.message).toMatch(/^Too many bad tokens from this address; retry in \d+ s$/);
      expect(await counts()).toEqual({ unknown: start.unknown + 14, delayed: start.delayed + 3, refused: start.refused + 1 });

      // Everyone else, and the other instance, go on as usual.
      const t = await operatorWithToken(a.admin(), 'readonly');
      await bad(a.url, '203.0.113.67', t.token).expect(200);
      await bad(b.url, ATTACKER, t.token).expect(200);
      expect((await counts()).delayed).toBe(start.delayed + 3);
      // A valid token from the throttled address waits its turn too (else parallel guesses would learn the answer at
      // full speed): the next slot is the one the refused request could not have.
      await bad(a.url, ATTACKER, t.token).expect(200);
      expect((await counts()).delayed).toBe(start.delayed + 4);
    }, 60_000);

    it('IPv6 addresses count per /64', async () => {
      const delayed = () => metric(a.url, 'admin_auth_throttled_total', 'action="delayed"');
      const before = await delayed();
      for (let i = 0; i < 10; i++) await bad(a.url, `2001:db8:77:1::${i + 1}`).expect(401);
      // Other addresses in the same /64 share its slots: the first now, the next a second later.
      await bad(a.url, '2001:db8:77:1:abcd::1').expect(401);
      await bad(a.url, '2001:db8:77:1:abcd::2').expect(401);
      expect(await delayed()).toBe(before + 1);
      await bad(a.url, '2001:db8:77:2::1').expect(401);
      expect(await delayed()).toBe(before + 1);
    }, 60_000);
  });
});

async function waitFor(cond: () => Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
