import { attrLines, FreeRadius, radclient, startFreeRadius } from './support/freeradius';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

interface Row {
  started_at: Date;
  stopped_at: Date | null;
  input_octets: string;
  acct_unique_id: string | null;
}

/**
 * Routers reuse Acct-Session-Ids (after a reboot): a Start for an id whose session has
 * stopped opens a new session, and late packets still land on the session they belong
 * to (migration 1764300000002). Through real FreeRADIUS, whose acct_unique gives both
 * sessions the same Acct-Unique-Session-Id, so only the start times tell them apart.
 */
describe('a reused Acct-Session-Id (FreeRADIUS → API → PostgreSQL)', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let accountId: string;
  /** An hour ago, in whole seconds (Event-Timestamp has no more). */
  const T0 = Math.floor(Date.now() / 1000) - 3600;

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    secret = (
      await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-re', nasIp: '127.0.0.1' }).expect(201)
    ).body.radiusSecret;
    const customerId = (await t.admin().post('/api/customers').send({ name: 'Reuse' }).expect(201)).body.id;
    accountId = (
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username: 'reuse1', password: 'pw-pw-pw', kind: 'hotspot', maxSessions: 10 })
        .expect(201)
    ).body.id;
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  /** Each packet answered before the next is sent, as they would arrive one by one. */
  const send = async (sessionId: string, ...packets: Record<string, string | number>[]) => {
    for (const p of packets) {
      const [reply] = await radclient(fr.acctPort, 'acct', secret, [
        attrLines({ 'NAS-Identifier': 'mt-re', 'User-Name': 'reuse1', 'Acct-Session-Id': sessionId, ...p }),
      ]);
      expect(reply?.code).toBe('Accounting-Response');
    }
  };
  const rows = (sessionId: string) =>
    sql<Row>(
      t.databaseUrl,
      'SELECT started_at, stopped_at, input_octets, acct_unique_id FROM sessions WHERE acct_session_id = $1 ORDER BY started_at, stopped_at IS NULL',
      [sessionId],
    );
  const summary = async (sessionId: string) =>
    (await rows(sessionId)).map((r) => ({
      start: r.started_at.getTime() / 1000 - T0,
      open: r.stopped_at === null,
      bytes: Number(r.input_octets),
    }));
  const usedBytes = async () =>
    Number((await sql(t.databaseUrl, 'SELECT used_bytes FROM accounts WHERE id = $1', [accountId]))[0].used_bytes);

  const start = (at: number) => ({ 'Acct-Status-Type': 'Start', 'Event-Timestamp': T0 + at });
  const interim = (at: number, since: number, bytes: number) => ({
    'Acct-Status-Type': 'Interim-Update',
    'Event-Timestamp': T0 + at,
    'Acct-Session-Time': at - since,
    'Acct-Input-Octets': bytes,
  });
  const stop = (at: number, since: number, bytes: number) => ({ ...interim(at, since, bytes), 'Acct-Status-Type': 'Stop' });

  it('Start, Stop(5000), Start, Interim(3000): the second session is open and has its 3000 bytes', async () => {
    const before = await usedBytes();
    await send('re-a', start(0), stop(600, 0, 5000), start(900), interim(1200, 900, 3000));
    expect(await summary('re-a')).toEqual([
      { start: 0, open: false, bytes: 5000 },
      { start: 900, open: true, bytes: 3000 },
    ]);
    // Same Acct-Unique-Session-Id for both: acct_unique cannot tell them apart.
    const [a, b] = await rows('re-a');
    expect(a.acct_unique_id).toBe(b.acct_unique_id);
    expect((await t.admin().get(`/api/sessions?accountId=${accountId}&active=true`).expect(200)).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ acctSessionId: 're-a', inputOctets: 3000 })]),
    );
    expect((await usedBytes()) - before).toBe(8000);
  });

  it('the other order: the new session’s packets first, the old one’s Stop and Interim late', async () => {
    const before = await usedBytes();
    const device = { 'Calling-Station-Id': '02:00:00:00:0f:01' };
    // The router rebooted without a Stop (it comes later, from FreeRADIUS's spool) and reused the id.
    await send('re-b', { ...start(0), ...device }, { ...start(900), ...device }, { ...interim(1200, 900, 3000), ...device });
    await send('re-b', { ...stop(600, 0, 5000), ...device }, { ...interim(300, 0, 2000), ...device });
    const [old, fresh] = await rows('re-b');
    expect([Number(old.input_octets), old.stopped_at !== null]).toEqual([5000, true]);
    expect([Number(fresh.input_octets), fresh.stopped_at]).toEqual([3000, null]);
    expect((await usedBytes()) - before).toBe(8000);
  });

  it('a late Interim of the old session after the new one opened lands on the old one', async () => {
    await send('re-c', start(0), stop(600, 0, 5000), start(900), interim(1200, 900, 3000), interim(300, 0, 2000), stop(600, 0, 5000));
    expect(await summary('re-c')).toEqual([
      { start: 0, open: false, bytes: 5000 },
      { start: 900, open: true, bytes: 3000 },
    ]);
  });

  it('packets of one session stay one session: a retransmitted Start, a Start replayed after its Stop, an Interim before the Start', async () => {
    await send('re-d', start(0), start(0), interim(300, 0, 1000), stop(600, 0, 5000), start(0));
    await send('re-e', interim(300, 0, 1000), start(0), stop(600, 0, 4000));
    expect(await summary('re-d')).toEqual([{ start: 0, open: false, bytes: 5000 }]);
    expect(await summary('re-e')).toEqual([{ start: 0, open: false, bytes: 4000 }]);
  });

  it('a Start replayed in the same second as its zero-length session’s Stop joins that session, not a phantom new one', async () => {
    const before = await usedBytes();
    // Started and stopped within one second (Acct-Session-Time 0): the spool replays the
    // Start after the Stop, with the same Event-Timestamp. Nothing tells it apart from a
    // copy of the Start, so it is one.
    await send('re-f', start(0), stop(0, 0, 5000), start(0));
    expect(await summary('re-f')).toEqual([{ start: 0, open: false, bytes: 5000 }]);
    expect((await usedBytes()) - before).toBe(5000);
  });
});
