import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { cardOrigins, CARDS_PER_PAGE, DEFAULT_ALPHABET, qrBox } from '@app/vouchers';
import { darkShare, pdfText, renderPdf } from './support/pdf-render';
import { startTestApp, TestApp } from './support/test-app';
import { sql } from './support/test-db';

const SHEET_PNG = join(__dirname, '..', 'docs', 'img', 'voucher-cards.png');

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** Issue 14, vouchers: batches on real PostgreSQL, their CSV, and the PDF rendered by poppler. */
describe('voucher batches', () => {
  let t: TestApp;
  let planId: string;

  beforeAll(async () => {
    // The portal's public address: what the cards' QR codes open (and the README's picture shows).
    t = await startTestApp({ PUBLIC_URL: 'https://wifi.example.net' });
    planId = (
      await t
        .admin()
        .post('/api/plans')
        .send({ name: 'Day pass', price: 3, currency: 'EUR', validitySeconds: 86400, validFrom: 'first_login', dataBytes: 1e9 })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const csvOf = async (id: string) => {
    const res = await t.admin().get(`/api/voucher-batches/${id}/vouchers.csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = res.text.trimEnd().split('\r\n');
    expect(header).toBe('code,plan,validity,status,expires_at,first_login_at');
    return rows.map((r) => r.split(','));
  };

  it('creates 10,000 vouchers with no duplicate code, sealed like passwords, and never lists a code', async () => {
    const res = await t.admin().post('/api/voucher-batches').send({ planId, count: 10000, note: 'summer' }).expect(201);
    const batch = res.body;
    expect(batch).toMatchObject({ planId, count: 10000, prefix: '', codeLength: 10, alphabet: DEFAULT_ALPHABET, note: 'summer' });
    expect(batch.counts).toEqual({ unused: 10000, active: 0, started: 0, usedUp: 0, expired: 0, revoked: 0 });

    const stored = await sql<{ n: number; distinct_codes: number; clear: number; plans: number }>(
      t.databaseUrl,
      `SELECT count(*)::int AS n, count(DISTINCT lower(username COLLATE "C"))::int AS distinct_codes,
              count(*) FILTER (WHERE password_enc LIKE '%' || username || '%')::int AS clear,
              count(*) FILTER (WHERE plan_id = $2 AND kind = 'hotspot')::int AS plans
         FROM accounts WHERE voucher_batch_id = $1`,
      [batch.id, planId],
    );
    expect(stored[0]).toEqual({ n: 10000, distinct_codes: 10000, clear: 0, plans: 10000 });

    const rows = await csvOf(batch.id);
    const codes = rows.map((r) => r[0]);
    expect(codes).toHaveLength(10000);
    expect(new Set(codes).size).toBe(10000);
    for (const c of codes) expect(c).toMatch(new RegExp(`^[${DEFAULT_ALPHABET}]{10}$`));
    expect(rows[0].slice(1, 4)).toEqual(['Day pass', '1 day from first login', 'unused']);

    // No code in the batch views, nor in the audit entry of the creation.
    const listed = JSON.stringify([
      (await t.admin().get('/api/voucher-batches').expect(200)).body,
      (await t.admin().get(`/api/voucher-batches/${batch.id}`).expect(200)).body,
    ]);
    const audit = JSON.stringify(await sql(t.databaseUrl, `SELECT * FROM audit_log WHERE target_id = $1`, [batch.id]));
    for (const c of codes.slice(0, 50)) {
      expect(listed).not.toContain(c);
      expect(audit).not.toContain(c);
    }
  });

  it('renders printable cards: pdftoppm shows 10 per page with a QR code each, and every code is printed', async () => {
    const batch = (
      await t.admin().post('/api/voucher-batches').send({ planId, count: 23, prefix: 'cafe-', venueName: 'Harbour Cafe' }).expect(201)
    ).body;
    const codes = (await csvOf(batch.id)).map((r) => r[0]);
    expect(codes.every((c) => /^CAFE-[A-Z0-9]{10}$/.test(c))).toBe(true);
    for (const paper of ['A4', 'Letter']) {
      const res = await t.admin().get(`/api/voucher-batches/${batch.id}/cards.pdf?paper=${paper}`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.body as Buffer;
      if (paper === 'A4' && !existsSync(SHEET_PNG)) mkdirSync(join(SHEET_PNG, '..'), { recursive: true });
      const wantPng = paper === 'A4' && (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SHEET_PNG));
      const pages = renderPdf(pdf, 36, wantPng ? SHEET_PNG : undefined);
      expect(pages).toHaveLength(3);
      const size = paper.toUpperCase() as 'A4' | 'LETTER';
      // A card is there when its QR code's square is about half dark; an empty slot is white.
      const cardsPerPage = pages.map(
        (page) =>
          cardOrigins(size).filter((o) => {
            const q = qrBox(o);
            return darkShare(page, q.x, q.y, q.size, q.size) > 0.3;
          }).length,
      );
      expect(cardsPerPage).toEqual([CARDS_PER_PAGE, CARDS_PER_PAGE, 3]);
      const text = pdfText(pdf).join('\n');
      for (const c of codes) expect(text).toContain(c);
      expect(text).toContain('Harbour Cafe');
      expect(text).toContain('3.00 EUR');
      expect(text).toContain('1 GB');
    }
  });

  it('revokes the unused vouchers, and the active ones only when asked', async () => {
    const batch = (await t.admin().post('/api/voucher-batches').send({ planId, count: 5 }).expect(201)).body;
    const [active, used] = await sql<{ id: string; username: string }>(
      t.databaseUrl,
      `SELECT id, username FROM accounts WHERE voucher_batch_id = $1 ORDER BY username LIMIT 2`,
      [batch.id],
    );
    const router = (
      await t.admin().post('/api/routers').send({ name: 'r', vendor: 'mikrotik', nasIdentifier: 'rv', nasIp: '127.0.9.1' }).expect(201)
    ).body;
    await sql(
      t.databaseUrl,
      `INSERT INTO sessions (router_id, account_id, username, acct_session_id, started_at, last_seen_at, stopped_at)
       VALUES ($1, $2, $3, 's1', now(), now(), NULL), ($1, $4, $5, 's2', now() - interval '1 hour', now(), now())`,
      [router.id, active.id, active.username, used.id, used.username],
    );
    expect((await t.admin().get(`/api/voucher-batches/${batch.id}`).expect(200)).body.counts).toMatchObject({
      unused: 3,
      active: 1,
      started: 1,
    });

    expect((await t.admin().post(`/api/voucher-batches/${batch.id}/revoke`).send({}).expect(200)).body).toEqual({
      disabled: 3,
      disconnecting: 0,
    });
    const after = (await t.admin().get(`/api/voucher-batches/${batch.id}`).expect(200)).body;
    expect(after.counts).toMatchObject({ unused: 0, active: 1, started: 1, revoked: 3 });
    expect(after.revokedAt).not.toBeNull();

    expect((await t.admin().post(`/api/voucher-batches/${batch.id}/revoke`).send({ disconnectActive: true }).expect(200)).body).toEqual({
      disabled: 2,
      disconnecting: 1,
    });
    expect((await t.admin().get(`/api/voucher-batches/${batch.id}`).expect(200)).body.counts).toMatchObject({ revoked: 5 });
    // Revoked vouchers print no card.
    const csv = await csvOf(batch.id);
    expect(csv.every((r) => r[3] === 'revoked')).toBe(true);
  });

  it('marks vouchers past the batch expiry as expired', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const batch = (await t.admin().post('/api/voucher-batches').send({ planId, count: 2, expiresAt }).expect(201)).body;
    await sql(t.databaseUrl, `UPDATE accounts SET expires_at = now() - interval '1 second' WHERE voucher_batch_id = $1`, [batch.id]);
    expect((await t.admin().get(`/api/voucher-batches/${batch.id}`).expect(200)).body.counts).toMatchObject({ expired: 2, unused: 0 });
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['count 0', { count: 0 }, 400, 'count'],
    ['count 10001', { count: 10001 }, 400, 'count'],
    ['a short code', { count: 1, codeLength: 5 }, 400, 'codeLength'],
    ['a weak alphabet', { count: 1, alphabet: '0123456789', codeLength: 8 }, 400, 'too easy to guess'],
    ['a repeated character', { count: 1, alphabet: 'ABCDEFGHIJKA' }, 400, 'must not repeat'],
    ['a dash in the alphabet', { count: 1, alphabet: 'ABCDEFGH-' }, 400, 'alphabet'],
    ['a bad prefix', { count: 1, prefix: 'a.b' }, 400, 'prefix'],
    ['an unknown plan', { count: 1, planId: '00000000-0000-4000-8000-000000000000' }, 400, 'planId'],
    ['a past expiry', { count: 1, expiresAt: '2001-01-01T00:00:00Z' }, 400, 'expiresAt'],
  ])('refuses %s', async (_name, body, status, message) => {
    const res = await t
      .admin()
      .post('/api/voucher-batches')
      .send({ planId, ...body })
      .expect(status);
    expect(JSON.stringify(res.body.message)).toContain(message);
  });

  it('answers 404 for an unknown batch on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    await t.admin().get(`/api/voucher-batches/${id}`).expect(404);
    await t.admin().get(`/api/voucher-batches/${id}/vouchers.csv`).expect(404);
    await t.admin().get(`/api/voucher-batches/${id}/cards.pdf`).expect(404);
    await t.admin().post(`/api/voucher-batches/${id}/revoke`).send({}).expect(404);
  });

  // Last: it takes the voucher schema down (with a batch in it) and up again under the running app.
  it('migrates down and up again', async () => {
    const db = t.app.get(DataSource);
    const applied = async () => (await db.query(`SELECT 1 FROM migrations WHERE name = 'RouterPortalMode1764510000000'`)).length > 0;
    while (await applied()) await db.undoLastMigration();
    const [left] = await sql(
      t.databaseUrl,
      `SELECT to_regclass('voucher_batches') AS t,
              (SELECT count(*)::int FROM information_schema.columns WHERE table_name IN ('accounts', 'routers')
                 AND column_name IN ('voucher_batch_id', 'portal_mode')) AS cols,
              (SELECT count(*)::int FROM customers WHERE name LIKE 'Vouchers: %') AS holders`,
    );
    expect(left).toEqual({ t: null, cols: 0, holders: 0 });
    await db.runMigrations();
    await t.admin().post('/api/voucher-batches').send({ planId, count: 2 }).expect(201);
  });
});
