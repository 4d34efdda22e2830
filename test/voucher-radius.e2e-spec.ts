import { Clock } from '@app/aaa';
import { attrLines, FreeRadius, radclient, startFreeRadius } from './support/freeradius';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

const HOUR = 3600;

/**
 * Issue 14: a voucher's validity starts at its first login, not when it was printed.
 * radclient as the hotspot, FreeRADIUS with this project's overlay, the API, PostgreSQL;
 * time moves through the injectable Clock.
 */
describe('voucher validity from first login (FreeRADIUS → API → PostgreSQL)', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let codes: string[];

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent', LOG_FORMAT: 'json' });
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    secret = (
      await t.admin().post('/api/routers').send({ name: 'hs', vendor: 'mikrotik', nasIdentifier: 'hs-1', nasIp: '127.0.0.1' }).expect(201)
    ).body.radiusSecret;
    const plan = (
      await t.admin().post('/api/plans').send({ name: 'Hour pass', validitySeconds: HOUR, validFrom: 'first_login' }).expect(201)
    ).body;
    const batch = (await t.admin().post('/api/voucher-batches').send({ planId: plan.id, count: 2 }).expect(201)).body;
    const csv = (await t.admin().get(`/api/voucher-batches/${batch.id}/vouchers.csv`).expect(200)).text;
    codes = csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
  }, 90_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await fr?.stop();
    await t?.close();
  });

  const at = (secondsFromNow: number) => jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + secondsFromNow * 1000));
  const login = async (code: string, chap = false) =>
    (
      await radclient(
        fr.authPort,
        'auth',
        secret,
        [attrLines({ 'User-Name': code, [chap ? 'CHAP-Password' : 'User-Password']: code, 'Calling-Station-Id': 'AA-BB-CC-00-00-01' })],
        { retries: 3 },
      )
    )[0];
  const start = (code: string) =>
    radclient(
      fr.acctPort,
      'acct',
      secret,
      [
        attrLines({
          'User-Name': code,
          'Acct-Status-Type': 'Start',
          'Acct-Session-Id': `s-${codes.indexOf(code)}`, // a router's own id, not the code
          'NAS-Identifier': 'hs-1',
          'Calling-Station-Id': 'AA-BB-CC-00-00-01',
        }),
      ],
      { retries: 3 },
    );

  it('a voucher printed long ago still has its whole validity at first login, bounded in Session-Timeout', async () => {
    at(30 * 86400);
    const r = await login(codes[0], true);
    expect(r?.code).toBe('Access-Accept');
    const timeout = Number(r?.attrs['Session-Timeout']);
    expect(timeout).toBeGreaterThan(HOUR - 60);
    expect(timeout).toBeLessThanOrEqual(HOUR);
  });

  it('the first session starts the clock: accepted within the hour, rejected as expired after it', async () => {
    jest.restoreAllMocks();
    expect((await start(codes[0]))[0]?.code).toBe('Accounting-Response');
    const [row] = await sql<{ first_login_at: Date | null }>(t.databaseUrl, `SELECT first_login_at FROM accounts WHERE username = $1`, [
      codes[0],
    ]);
    expect(row.first_login_at).not.toBeNull();

    at(HOUR - 600);
    const within = await login(codes[0]);
    expect(within?.code).toBe('Access-Accept');
    expect(Number(within?.attrs['Session-Timeout'])).toBeLessThanOrEqual(600);

    at(HOUR + 60);
    const late = await login(codes[0]);
    expect(late?.code).toBe('Access-Reject');
    expect(late?.attrs['Reply-Message']).toBe('Account expired');

    // The other voucher of the batch has not started: still its full hour.
    const other = await login(codes[1]);
    expect(other?.code).toBe('Access-Accept');
    expect(Number(other?.attrs['Session-Timeout'])).toBeGreaterThan(HOUR - 60);
  });

  it('the batch counts say so: one expired, one unused', async () => {
    at(HOUR + 60);
    const [batch] = await sql<{ id: string }>(t.databaseUrl, `SELECT id FROM voucher_batches`);
    const view = (await t.admin().get(`/api/voucher-batches/${batch.id}`).expect(200)).body;
    expect(view.counts).toMatchObject({ expired: 1, unused: 1 });
  });

  it('lists sessions, login events and accounts without the codes: a code there is a working login', async () => {
    jest.restoreAllMocks();
    const [acc] = await sql<{ id: string }>(t.databaseUrl, 'SELECT id FROM accounts WHERE username = $1', [codes[0]]);
    const shown = [
      (await t.admin().get('/api/sessions').expect(200)).text,
      (await t.admin().get('/api/auth-events').expect(200)).text,
      (await t.admin().get('/api/accounts').expect(200)).text,
      (await t.admin().get(`/api/accounts/${acc.id}`).expect(200)).text,
    ];
    for (const text of shown) {
      for (const code of codes) expect(text).not.toContain(code);
    }
    // What shows instead: enough to match a customer's call with a card.
    expect(JSON.parse(shown[3]).username).toBe(`voucher …${codes[0].slice(-3)}`);
    expect(JSON.parse(shown[0]).items.length).toBeGreaterThan(0);
    expect(JSON.parse(shown[1]).items.length).toBeGreaterThan(0);
  });
});
