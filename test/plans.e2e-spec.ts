import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/test-app';

/** Issue 14: plans CRUD, and accounts pointing at them (real PostgreSQL). */
describe('plans API', () => {
  let t: TestApp;
  let customerId: string;
  beforeAll(async () => {
    t = await startTestApp();
    customerId = (await t.admin().post('/api/customers').send({ name: 'Plans' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  it('creates, lists, reads, updates and deletes a plan', async () => {
    const profile = (await t.admin().post('/api/speed-profiles').send({ name: 'p10', downloadKbps: 10000, uploadKbps: 2000 }).expect(201))
      .body;
    const created = await t
      .admin()
      .post('/api/plans')
      .send({
        name: 'Monthly 50 GB',
        speedProfileId: profile.id,
        price: 9.99,
        currency: 'EUR',
        dataBytes: 50e9,
        timeSeconds: 36000,
        period: 'monthly',
        timezone: 'Europe/Berlin',
        validitySeconds: 86400 * 30,
        validFrom: 'first_login',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Monthly 50 GB',
      speedProfileId: profile.id,
      price: 9.99,
      currency: 'EUR',
      dataBytes: 50e9,
      timeSeconds: 36000,
      period: 'monthly',
      timezone: 'Europe/Berlin',
      onLimit: 'restrict',
      validFrom: 'first_login',
    });
    const id = created.body.id;
    const defaults = (await t.admin().post('/api/plans').send({ name: 'Free' }).expect(201)).body;
    expect(defaults).toMatchObject({
      period: 'none',
      timezone: 'UTC',
      validFrom: 'creation',
      onLimit: 'restrict',
      dataBytes: null,
      price: null,
    });

    const list = await t.admin().get('/api/plans').expect(200);
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['Free', 'Monthly 50 GB']);
    expect((await t.admin().get(`/api/plans/${id}`).expect(200)).body.name).toBe('Monthly 50 GB');

    const patched = await t.admin().patch(`/api/plans/${id}`).send({ dataBytes: null, period: 'daily' }).expect(200);
    expect(patched.body).toMatchObject({ dataBytes: null, period: 'daily', timeSeconds: 36000 });

    await t.admin().delete(`/api/plans/${defaults.id}`).expect(204);
    await t.admin().get(`/api/plans/${defaults.id}`).expect(404);
  });

  it('refuses throttle (until live speed changes exist), unknown zones and half a price with 400', async () => {
    const throttle = await t.admin().post('/api/plans').send({ name: 'x', onLimit: 'throttle' }).expect(400);
    expect(throttle.body.message).toMatch(/throttle/);
    const plan = (await t.admin().post('/api/plans').send({ name: 'y' }).expect(201)).body;
    await t.admin().patch(`/api/plans/${plan.id}`).send({ onLimit: 'throttle' }).expect(400);
    for (const timezone of ['Mars/Olympus', '+01:00', 'UTC; DROP TABLE plans', '']) {
      await t.admin().post('/api/plans').send({ name: 'z', timezone }).expect(400);
    }
    await t.admin().post('/api/plans').send({ name: 'z', price: 5 }).expect(400);
    await t.admin().post('/api/plans').send({ name: 'z', price: 5.001, currency: 'EUR' }).expect(400);
    await t.admin().post('/api/plans').send({ name: 'z', period: 'yearly' }).expect(400);
    await t.admin().post('/api/plans').send({ name: 'z', speedProfileId: '00000000-0000-4000-8000-000000000000' }).expect(400);
  });

  it('assigns a plan to an account, and keeps a plan in use from being deleted', async () => {
    const plan = (await t.admin().post('/api/plans').send({ name: 'Daily 1 GB', dataBytes: 1e9, period: 'daily' }).expect(201)).body;
    const account = (
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username: 'plan-user', password: 'pw-pw-pw', kind: 'hotspot', planId: plan.id })
        .expect(201)
    ).body;
    expect(account).toMatchObject({ planId: plan.id, firstLoginAt: null });
    const conflict = await t.admin().delete(`/api/plans/${plan.id}`).expect(409);
    expect(conflict.body.message).toMatch(/assigned/);
    await t.admin().patch(`/api/accounts/${account.id}`).send({ planId: '00000000-0000-4000-8000-000000000000' }).expect(400);
    expect((await t.admin().patch(`/api/accounts/${account.id}`).send({ planId: null }).expect(200)).body.planId).toBeNull();
    await t.admin().delete(`/api/plans/${plan.id}`).expect(204);
  });

  it('answers usage for accounts with and without a plan, and refuses bad periods with 400', async () => {
    const plan = (await t.admin().post('/api/plans').send({ name: 'Weekly', timeSeconds: 600, period: 'weekly' }).expect(201)).body;
    const mk = async (username: string, body: Record<string, unknown>) =>
      (
        await t
          .admin()
          .post(`/api/customers/${customerId}/accounts`)
          .send({ username, password: 'pw-pw-pw', kind: 'vpn', ...body })
          .expect(201)
      ).body;
    const on = await mk('usage-plan', { planId: plan.id });
    const off = await mk('usage-none', { quotaBytes: 1000 });
    expect((await t.admin().get(`/api/accounts/${on.id}/usage`).expect(200)).body).toMatchObject({
      planId: plan.id,
      period: 'weekly',
      usedSeconds: 0,
      timeLimitSeconds: 600,
      remainingSeconds: 600,
      dataLimitBytes: null,
      remainingBytes: null,
    });
    expect((await t.admin().get(`/api/accounts/${off.id}/usage`).expect(200)).body).toMatchObject({
      planId: null,
      period: 'none',
      periodStart: null,
      nextReset: null,
      usedBytes: 0,
      dataLimitBytes: 1000,
      remainingBytes: 1000,
    });
    for (const period of ['2026-13', '2026-02-30', '2026', 'last', '2026-11-5']) {
      await t.admin().get(`/api/accounts/${on.id}/usage?period=${period}`).expect(400);
    }
    await t.admin().get('/api/accounts/00000000-0000-4000-8000-000000000000/usage').expect(404);
  });

  // Last: it takes the schema down and up again under the running app.
  it('migrates down and up again', async () => {
    const db = t.app.get(DataSource);
    const applied = async () => (await db.query(`SELECT 1 FROM migrations WHERE name = 'Plans1764500000000'`)).length > 0;
    while (await applied()) await db.undoLastMigration();
    expect(await db.query(`SELECT to_regclass('plans') AS t, to_regclass('account_usage') AS u`)).toEqual([{ t: null, u: null }]);
    await db.runMigrations();
    await t.admin().post('/api/plans').send({ name: 'back' }).expect(201);
  });
});
