import { canonicalUsername } from '@app/aaa';
import { attrLines, FreeRadius, radclient, RadReply, startFreeRadius } from './support/freeradius';
import { sql } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';
import { USERNAME_CASES } from './support/username-cases';

/**
 * One canonical username (common/username.ts), through real FreeRADIUS and PostgreSQL:
 * a User-Name that is not a username names no account anywhere, and case is folded
 * the same way by authorize, accounting and the database.
 */
describe('one canonical username: authorize, accounting, admin API, database', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let customerId: string;
  let eveId: string;

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN);
    secret = (
      await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-cu', nasIp: '127.0.0.1' }).expect(201)
    ).body.radiusSecret;
    customerId = (await t.admin().post('/api/customers').send({ name: 'Eve' }).expect(201)).body.id;
    eveId = (
      await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username: 'eve', password: 'eve-pw-1', kind: 'hotspot', quotaBytes: 100_000, maxSessions: 1 })
        .expect(201)
    ).body.id;
    await t.admin().post(`/api/customers/${customerId}/accounts`).send({ username: 'kim', password: 'kim-pw-1', kind: 'vpn' }).expect(201);
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  // The User-Name line is written as is, so that radclient's own escapes (\t \r \n) reach it.
  const packet = ({ 'User-Name': name, ...rest }: Record<string, string | number>) => `User-Name = "${name}"\n${attrLines(rest)}`;
  const auth = async (attrs: Record<string, string | number>): Promise<RadReply | undefined> =>
    (await radclient(fr.authPort, 'auth', secret, [packet(attrs)]))[0];
  const acct = async (attrs: Record<string, string | number>) =>
    (await radclient(fr.acctPort, 'acct', secret, [packet({ 'NAS-Identifier': 'mt-cu', ...attrs })]))[0];
  const sessionOwner = async (id: string) =>
    (await sql<{ account_id: string | null }>(t.databaseUrl, 'SELECT account_id FROM sessions WHERE acct_session_id = $1', [id]))[0]
      ?.account_id;

  // radclient turns \t \r \n into the control characters themselves; the rest is sent as UTF-8.
  const hostile: [string, string][] = [
    ['eve<TAB>', 'eve\\t'],
    ['eve<CR>', 'eve\\r'],
    ['eve<LF>', 'eve\\n'],
    ['eve + U+00A0', 'eve\u00a0'],
    ['eve + U+2028', 'eve\u2028'],
    ['eve + U+200B', 'eve\u200b'],
    [' eve', ' eve'],
  ];

  it.each(hostile)('%s cannot log in as eve, with PAP or CHAP', async (_, name) => {
    const device = { 'User-Name': name, 'Calling-Station-Id': '02:00:00:00:0e:01' };
    const replies = await radclient(
      fr.authPort,
      'auth',
      secret,
      [packet({ ...device, 'User-Password': 'eve-pw-1' }), packet({ ...device, 'CHAP-Password': 'eve-pw-1' })],
      { parallel: 2 },
    );
    expect(replies.map((r) => r.code)).toEqual(['Access-Reject', 'Access-Reject']);
  });

  it('KELVIN SIGN + "im" is not kim, although lower() and toLowerCase() fold it to k', async () => {
    expect((await auth({ 'User-Name': '\u212aim', 'User-Password': 'kim-pw-1' }))?.code).toBe('Access-Reject');
    expect((await auth({ 'User-Name': 'kim', 'User-Password': 'kim-pw-1' }))?.code).toBe('Access-Accept');
  });

  it('a non-canonical User-Name counts against nobody: no quota, no session of eve', async () => {
    await acct({
      'User-Name': 'eve\\t',
      'Acct-Session-Id': 'cu-tab',
      'Acct-Status-Type': 'Start',
      'Calling-Station-Id': '02:00:00:00:0e:02',
    });
    await acct({
      'User-Name': 'eve\\t',
      'Acct-Session-Id': 'cu-tab',
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Input-Octets': 10_000_000,
      'Acct-Session-Time': 60,
    });
    expect(await sessionOwner('cu-tab')).toBeNull();
    // So nothing was lost either: eve could not have been online under that name.
    expect((await auth({ 'User-Name': 'eve', 'User-Password': 'eve-pw-1', 'Calling-Station-Id': '02:00:00:00:0e:03' }))?.code).toBe(
      'Access-Accept',
    );
  });

  it('case folds the same way everywhere: EVE logs in as eve, and its accounting is eve’s (quota, maxSessions)', async () => {
    const mac = '02:00:00:00:0e:04';
    expect((await auth({ 'User-Name': 'EVE', 'User-Password': 'eve-pw-1', 'Calling-Station-Id': mac }))?.code).toBe('Access-Accept');
    await acct({ 'User-Name': 'EVE', 'Acct-Session-Id': 'cu-upper', 'Acct-Status-Type': 'Start', 'Calling-Station-Id': mac });
    expect(await sessionOwner('cu-upper')).toBe(eveId);
    // maxSessions = 1: a second device is refused, whichever spelling either uses.
    const other = await auth({ 'User-Name': 'eve', 'User-Password': 'eve-pw-1', 'Calling-Station-Id': '02:00:00:00:0e:05' });
    expect(other?.code).toBe('Access-Reject');
    await acct({
      'User-Name': 'EVE',
      'Acct-Session-Id': 'cu-upper',
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Input-Octets': 200_000,
      'Acct-Session-Time': 60,
      'Calling-Station-Id': mac,
    });
    const [eve] = await sql(t.databaseUrl, 'SELECT used_bytes FROM accounts WHERE id = $1', [eveId]);
    expect(Number(eve.used_bytes)).toBe(200_000);
  });

  it('account creation refuses control, whitespace and invisible characters with 400', async () => {
    for (const [, input, canonical] of USERNAME_CASES) {
      if (canonical !== null || input === '') continue;
      const res = await t
        .admin()
        .post(`/api/customers/${customerId}/accounts`)
        .send({ username: input, password: 'pw-pw-pw', kind: 'vpn' });
      expect([input, res.status]).toEqual([input, 400]);
    }
    // The same account in another case is a conflict, not a second account.
    await t.admin().post(`/api/customers/${customerId}/accounts`).send({ username: 'Eve', password: 'pw-pw-pw', kind: 'vpn' }).expect(409);
  });

  it('the database holds the same rule as canonicalUsername(), for plain SQL too', async () => {
    for (const [i, [description, input]] of USERNAME_CASES.entries()) {
      if (input.includes('\u0000')) continue; // not text to PostgreSQL at all
      const name = `c${i}${input}`;
      const insert = sql(
        t.databaseUrl,
        `INSERT INTO accounts (customer_id, username, password_enc, nt_hash, kind) VALUES ($1, $2, 'x', 'x', 'vpn')
         RETURNING lower(username COLLATE "C") AS key`,
        [customerId, name],
      );
      const canonical = canonicalUsername(name);
      if (canonical === null) await expect(insert).rejects.toThrow(/ck_accounts_username/);
      else expect([description, (await insert)[0].key]).toEqual([description, canonical]);
    }
    // Case-insensitively unique, by the same folding.
    await expect(
      sql(t.databaseUrl, `INSERT INTO accounts (customer_id, username, password_enc, nt_hash, kind) VALUES ($1, 'KIM', 'x', 'x', 'vpn')`, [
        customerId,
      ]),
    ).rejects.toThrow(/uq_accounts_username/);
  });
});
