import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCOUNT_CHANGED_CHANNEL, AdminFailsafe, AnswerCacheControl, CredentialVault, PgNotifier } from '@app/aaa';
import { attrLines, FreeRadius, msChapV2Attributes, radclient, RadReply, reservePort, startFreeRadius } from './support/freeradius';
import { sql, withDatabaseDown } from './support/test-db';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * B050's admin fail-safe with current data (issue 12 §1). Admins log in through the whole
 * stack; then some are banned, disabled, deleted, given a new password or moved to the
 * user group, through the admin API and in plain SQL; then the database goes away, the
 * API goes away, and FreeRADIUS restarts. Whoever answers (the API from its copy,
 * FreeRADIUS from memory, FreeRADIUS from the snapshot it loaded at start), a changed
 * admin's old state is never served, and an unchanged admin still gets in.
 */
describe('admin fail-safe: current data through database and API outages and a FreeRADIUS restart', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  let dataDir: string;
  let databaseUrl: string;
  let controlPort: number;
  let ports: { PORT: string; RADIUS_API_PORT: string };
  let apiUp = false;
  const ids: Record<string, string> = {};
  const probes = new Map<string, () => void>();
  const MAC = '02-00-00-00-00-01';
  const CHANGES = ['ban', 'disable', 'delete', 'password', 'user'] as const;
  const changed = (via: 'api' | 'sql') => CHANGES.map((c) => `${via}.${c}`);

  const appEnv = () => ({
    RADIUS_ANSWER_CACHE_CONTROL: `127.0.0.1:${controlPort}`,
    RADIUS_ANSWER_CACHE_REPEAT_MS: '500',
    DATA_DIR: dataDir,
  });

  async function startApi(): Promise<void> {
    t = await startTestApp({ ...appEnv(), ...ports }, databaseUrl);
    apiUp = true;
    await t.app.get(PgNotifier).listen(ACCOUNT_CHANGED_CHANNEL, (payload) => probes.get(payload)?.());
  }

  async function stopApi(): Promise<void> {
    apiUp = false;
    await t.close();
  }

  async function startRadius(): Promise<void> {
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, {
      RADIUS_CONTROL_PORT: String(controlPort),
      DATA_DIR: dataDir,
      RADIUS_REJECT_DELAY: '0',
    });
  }

  beforeAll(async () => {
    controlPort = reservePort();
    // Shared by the API (which renders the snapshot there) and FreeRADIUS (which loads it).
    dataDir = mkdtempSync(join(tmpdir(), 'aaa-failsafe-'));
    t = await startTestApp(appEnv());
    apiUp = true;
    databaseUrl = t.databaseUrl;
    ports = { PORT: new URL(t.url).port, RADIUS_API_PORT: new URL(t.radiusUrl).port };
    await t.app.get(PgNotifier).listen(ACCOUNT_CHANGED_CHANNEL, (payload) => probes.get(payload)?.());
    await startRadius();
    secret = (
      await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-1', nasIp: '127.0.0.1' }).expect(201)
    ).body.radiusSecret;
    const customer = (await t.admin().post('/api/customers').send({ name: 'Operators' }).expect(201)).body.id;
    for (const [username, extra] of [
      ['keep', { delegatedPrefix: '2001:db8:ad::/56', framedIpv6Prefix: '2001:db8:ad01::/64' }],
      ['keep.sql', {}],
      ['keep.quota', { quotaBytes: 10_000_000_000 }],
      ...[...changed('api'), ...changed('sql')].map((u) => [u, {}] as const),
    ] as const) {
      const res = await t
        .admin()
        .post(`/api/customers/${customer}/accounts`)
        .send({ username, password: 'old-pw', kind: 'vpn', group: 'admin', ...extra })
        .expect(201);
      ids[username] = res.body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await fr?.stop();
    if (apiUp) await t.close();
  });

  async function pap(user: string, password: string): Promise<string | undefined> {
    const lines = attrLines({ 'User-Name': user, 'User-Password': password, 'Calling-Station-Id': MAC, 'NAS-Identifier': 'mt-1' });
    return (await radclient(fr.authPort, 'auth', secret, [lines]))[0]?.code;
  }
  async function mschapv2(user: string, password: string): Promise<string | undefined> {
    const lines = attrLines({ 'User-Name': user, 'NAS-Identifier': 'mt-1' }) + '\n' + msChapV2Attributes(user, password);
    return (await radclient(fr.authPort, 'auth', secret, [lines]))[0]?.code;
  }
  async function chap(user: string, password: string): Promise<RadReply | undefined> {
    const lines = attrLines({ 'User-Name': user, 'CHAP-Password': password, 'NAS-Identifier': 'mt-1' });
    return (await radclient(fr.authPort, 'auth', secret, [lines]))[0];
  }
  const acct = (attrs: Record<string, string | number>) =>
    radclient(fr.acctPort, 'acct', secret, [attrLines({ 'NAS-Identifier': 'mt-1', 'User-Name': 'keep.quota', ...attrs })]);

  /** Every change committed so far has reached the copy, the snapshot and FreeRADIUS (repeats included). */
  async function settle(): Promise<void> {
    const payload = `a:probe:probe-${probes.size}`;
    const heard = new Promise<void>((r) => probes.set(payload, r));
    await t.app.get(PgNotifier).notify(ACCOUNT_CHANGED_CHANNEL, payload);
    await heard;
    await t.app.get(AdminFailsafe).settled();
    await t.app.get(AnswerCacheControl).settled();
  }

  async function expectDecisions(expected: Record<string, 'Access-Accept' | 'Access-Reject'>, password = 'old-pw'): Promise<void> {
    const got: Record<string, string | undefined> = {};
    for (const user of Object.keys(expected)) got[user] = await pap(user, password);
    expect(got).toEqual(expected);
  }
  const all = (users: string[], code: 'Access-Accept' | 'Access-Reject') => Object.fromEntries(users.map((u) => [u, code]));

  it('admins log in through the API; FreeRADIUS and the API keep them for the fail-safe', async () => {
    await expectDecisions(all(['keep', 'keep.sql', 'keep.quota', ...changed('api'), ...changed('sql')], 'Access-Accept'));
    // Usage on a quota updates the account row on every Interim-Update.
    await acct({ 'Acct-Session-Id': 'q-1', 'Acct-Status-Type': 'Start', 'Calling-Station-Id': MAC });
    for (const octets of [1_000_000, 2_000_000, 3_000_000]) {
      await acct({
        'Acct-Session-Id': 'q-1',
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Input-Octets': octets,
        'Calling-Station-Id': MAC,
      });
    }
    const [{ used_bytes }] = await sql<{ used_bytes: string }>(databaseUrl, `SELECT used_bytes FROM accounts WHERE id = $1`, [
      ids['keep.quota'],
    ]);
    expect(Number(used_bytes)).toBe(3_000_000);
  });

  it('follows bans, disables, deletes, new passwords and moves to the user group, made through the API and in SQL', async () => {
    const api = t.admin();
    await api.patch(`/api/accounts/${ids['api.ban']}`).send({ status: 'banned' }).expect(200);
    await api.patch(`/api/accounts/${ids['api.disable']}`).send({ status: 'disabled' }).expect(200);
    await api.delete(`/api/accounts/${ids['api.delete']}`).expect(204);
    await api.patch(`/api/accounts/${ids['api.password']}`).send({ password: 'new-pw' }).expect(200);
    await api.patch(`/api/accounts/${ids['api.user']}`).send({ group: 'user' }).expect(200);

    const vault = t.app.get(CredentialVault);
    await sql(databaseUrl, `UPDATE accounts SET status = 'banned' WHERE id = $1`, [ids['sql.ban']]);
    await sql(databaseUrl, `UPDATE accounts SET status = 'disabled' WHERE id = $1`, [ids['sql.disable']]);
    await sql(databaseUrl, `DELETE FROM accounts WHERE id = $1`, [ids['sql.delete']]);
    await sql(databaseUrl, `UPDATE accounts SET password_enc = $2, nt_hash = $3 WHERE id = $1`, [
      ids['sql.password'],
      vault.encrypt('new-pw'),
      await vault.ntHash('new-pw'),
    ]);
    await sql(databaseUrl, `UPDATE accounts SET account_group = 'user' WHERE id = $1`, [ids['sql.user']]);
    await settle();

    // The snapshot on disk already says so, and holds no cleartext.
    const file = join(dataDir, 'radius-snapshot', 'admins');
    const text = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'radius-snapshot')).mode & 0o777).toBe(0o700);
    expect(text).not.toMatch(/old-pw|new-pw/);
    expect(text).toMatch(/^api\.ban\t.*Aaa-Admin-Verdict := "banned"$/m);
    expect(text).toMatch(/^sql\.disable\t.*Aaa-Admin-Verdict := "disabled"$/m);
    expect(text).not.toMatch(/^(api|sql)\.(delete|user)\t/m);
    expect(text).toMatch(/^keep\t.*SSHA2-512-Password/m);
  });

  it('with the database down, the API decides admins from a copy that followed every change', async () => {
    const lost = new Promise<void>((r) => t.app.get(PgNotifier).onGap((listening) => listening || r()));
    await withDatabaseDown(databaseUrl, async () => {
      await lost;
      await expectDecisions({
        keep: 'Access-Accept',
        'keep.quota': 'Access-Accept',
        ...all([...changed('api'), ...changed('sql')], 'Access-Reject'),
      });
      await expectDecisions({ 'api.password': 'Access-Accept', 'sql.password': 'Access-Accept' }, 'new-pw');
    });
  });

  it('with the API down, FreeRADIUS lets in only the admins that did not change', async () => {
    // Anyone can send a wrong password: that must not cost an admin the fail-safe.
    expect(await pap('keep', 'wrong-pw')).toBe('Access-Reject');
    await t.app.get(AdminFailsafe).settled();
    await stopApi();
    await expectDecisions({
      keep: 'Access-Accept',
      'keep.sql': 'Access-Accept',
      'keep.quota': 'Access-Accept',
      ...all([...changed('api'), ...changed('sql')], 'Access-Reject'),
    });
    expect(await pap('keep', 'wrong-pw')).toBe('Access-Reject');
  });

  it('evicts a change made in SQL while no API ran, as soon as one starts', async () => {
    // Nobody can tell FreeRADIUS now: it still lets keep.sql in from memory.
    await sql(databaseUrl, `UPDATE accounts SET status = 'banned' WHERE id = $1`, [ids['keep.sql']]);
    expect(await pap('keep.sql', 'old-pw')).toBe('Access-Accept');
    await startApi();
    await settle();
    await stopApi();
    await expectDecisions({ 'keep.sql': 'Access-Reject', keep: 'Access-Accept', 'keep.quota': 'Access-Accept' });
  });

  it('after a FreeRADIUS restart during an API outage, the snapshots it loaded let in the unchanged admins and no changed one', async () => {
    // Issue 12 §7: the API is down before FreeRADIUS restarts, so the router comes from the
    // router snapshot and the admins from the admin snapshot, both loaded at start.
    await startApi();
    await settle();
    await stopApi();
    await fr.stop();
    await startRadius();
    await expectDecisions({
      keep: 'Access-Accept',
      'keep.quota': 'Access-Accept',
      'keep.sql': 'Access-Reject',
      ...all([...changed('api'), ...changed('sql')], 'Access-Reject'),
    });
    await expectDecisions({ 'api.password': 'Access-Accept', 'sql.password': 'Access-Accept', keep: 'Access-Reject' }, 'new-pw');
    // With the IPv6 prefixes of a live answer.
    const [keep] = await radclient(fr.authPort, 'auth', secret, [
      attrLines({ 'User-Name': 'keep', 'User-Password': 'old-pw', 'Calling-Station-Id': MAC, 'NAS-Identifier': 'mt-1' }),
    ]);
    expect(keep?.attrs).toMatchObject({ 'Delegated-IPv6-Prefix': '2001:db8:ad::/56', 'Framed-IPv6-Prefix': '2001:db8:ad01::/64' });
    // MS-CHAP works from the NT hash; CHAP needs the cleartext, which the snapshot never has.
    expect(await mschapv2('keep', 'old-pw')).toBe('Access-Accept');
    expect(await mschapv2('keep', 'wrong-pw')).toBe('Access-Reject');
    expect((await chap('keep', 'old-pw'))?.code).toBe('Access-Reject');
  });

  it.each([
    ['a cleartext password', 'keep\tCleartext-Password := "old-pw"\n'],
    // The right shape, but an attribute the API never writes: it would accept anyone.
    ['Auth-Type := Accept', 'keep\tAaa-Account-Group := "admin", Auth-Type := 254\n'],
  ])(
    'starts FreeRADIUS without the snapshot, rather than not at all, when the file has a line the API never writes: %s',
    async (_, line) => {
      const dir = mkdtempSync(join(tmpdir(), 'aaa-failsafe-bad-'));
      mkdirSync(join(dir, 'radius-snapshot'), { mode: 0o700 });
      writeFileSync(join(dir, 'radius-snapshot', 'admins'), line, { mode: 0o600 });
      const other = await startFreeRadius('http://127.0.0.1:9', RADIUS_TOKEN, {
        DATA_DIR: dir,
        RADIUS_CONTROL_PORT: String(reservePort()),
      });
      try {
        expect(other.output()).toContain('has unexpected lines: admin fail-safe starts empty');
        expect(readFileSync(join(dir, 'raddb', 'aaa-admin-snapshot'), 'utf8')).toBe('');
      } finally {
        await other.stop();
      }
    },
  );
});
