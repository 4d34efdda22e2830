import { attrLines, FreeRadius, msChapV2Attributes, radclient, RadReply, startFreeRadius } from './support/freeradius';
import { RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * An account's state (banned, disabled, expired, quota used up, device limit) is told only
 * to someone who knows its password. PAP is checked by the API before it decides; CHAP and
 * MS-CHAP are checked by FreeRADIUS after authorize, so the API hands FreeRADIUS the
 * credential plus its reject (`control:Aaa-Deny`), and FreeRADIUS applies the reject only
 * once the password checked out. A wrong password gets the same answer as for any account.
 */
describe('account state only after the password: CHAP and MS-CHAP', () => {
  let t: TestApp;
  let fr: FreeRadius;
  let secret: string;
  const GENERIC = 'Login failed: wrong username or password';

  beforeAll(async () => {
    t = await startTestApp();
    fr = await startFreeRadius(t.radiusUrl, RADIUS_TOKEN, { RADIUS_REJECT_DELAY: '0' });
    secret = (
      await t.admin().post('/api/routers').send({ name: 'mt', vendor: 'mikrotik', nasIdentifier: 'mt-st', nasIp: '127.0.0.1' }).expect(201)
    ).body.radiusSecret;
    const customer = (await t.admin().post('/api/customers').send({ name: 'States' }).expect(201)).body.id;
    const accounts: [string, Record<string, unknown>][] = [
      ['banned1', { status: 'banned' }],
      ['expired1', { expiresAt: '2020-01-01T00:00:00Z' }],
      ['fine1', {}],
      ['admin1', { group: 'admin', status: 'disabled' }],
    ];
    for (const [username, extra] of accounts) {
      await t
        .admin()
        .post(`/api/customers/${customer}/accounts`)
        .send({ username, password: 'right-pw', kind: 'hotspot', ...extra })
        .expect(201);
    }
  }, 90_000);

  afterAll(async () => {
    await fr?.stop();
    await t?.close();
  });

  const chap = async (user: string, password: string): Promise<RadReply | undefined> =>
    (await radclient(fr.authPort, 'auth', secret, [attrLines({ 'User-Name': user, 'CHAP-Password': password })]))[0];
  const mschap = async (user: string, password: string): Promise<RadReply | undefined> =>
    (await radclient(fr.authPort, 'auth', secret, [attrLines({ 'User-Name': user }) + '\n' + msChapV2Attributes(user, password)]))[0];
  const lastEvent = async (user: string) => {
    for (let i = 0; i < 50; i++) {
      const items = (await t.admin().get(`/api/auth-events?username=${user}&limit=1`).expect(200)).body.items;
      if (items.length) return items[0] as { result: string; reason: string };
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  };

  it.each([
    ['CHAP', chap],
    ['MS-CHAPv2', mschap],
  ])('%s: a wrong password gets the same answer whatever the account state', async (_, login) => {
    for (const user of ['banned1', 'expired1', 'fine1', 'admin1', 'nobody1']) {
      const reply = await login(user, 'wrong-pw');
      expect({ user, code: reply?.code, message: reply?.attrs['Reply-Message'] }).toEqual({
        user,
        code: 'Access-Reject',
        message: GENERIC,
      });
    }
  });

  it('CHAP: the right password learns the state, and the event says why', async () => {
    const banned = await chap('banned1', 'right-pw');
    expect([banned?.code, banned?.attrs['Reply-Message']]).toEqual(['Access-Reject', 'Account banned']);
    const expired = await chap('expired1', 'right-pw');
    expect([expired?.code, expired?.attrs['Reply-Message']]).toEqual(['Access-Reject', 'Account expired']);
    expect(await lastEvent('expired1')).toMatchObject({ result: 'reject', reason: 'expired' });
    expect((await chap('fine1', 'right-pw'))?.code).toBe('Access-Accept');
  });

  it('the wrong password is recorded as a wrong password, not as the account state', async () => {
    await chap('banned1', 'wrong-again');
    expect(await lastEvent('banned1')).toMatchObject({ result: 'reject', reason: 'wrong_password' });
  });
});
