import {
  coovaLogonUrl,
  defaultUamPort,
  formTarget,
  loginAgainUrl,
  logoffUrl,
  mikrotikLoginUrl,
  resolveUamPort,
  uspotLogonUrl,
} from './vendor-profiles';

const base = { uamip: '10.1.0.1', uamport: 80, userurl: 'http://example.org/', nasid: 'n1', lang: 'en' };

describe('vendor profiles', () => {
  it('defaults uamport per vendor and lets the NAS record override the URL', () => {
    expect(defaultUamPort('generic')).toBe(80);
    expect(defaultUamPort('mikrotik')).toBe(80);
    expect(defaultUamPort('uspot')).toBe(3990);
    expect(defaultUamPort('coova')).toBe(3990);
    expect(resolveUamPort('uspot', null, undefined)).toBe(3990);
    expect(resolveUamPort('uspot', null, 4000)).toBe(4000);
    expect(resolveUamPort('uspot', 3991, 4000)).toBe(3991);
    expect(resolveUamPort('generic', undefined, undefined)).toBe(80);
  });

  it('generic posts straight to http://uamip:uamport/login (loginPath overrides)', () => {
    expect(formTarget({ ...base, vendor: 'generic' })).toEqual({
      action: 'http://10.1.0.1:80/login',
      viaPortal: false,
      hidden: { uamip: '10.1.0.1', uamport: '80', userurl: 'http://example.org/', nasid: 'n1' },
    });
    expect(formTarget({ ...base, vendor: 'generic', uamport: 3990, loginPath: '/logon' }).action).toBe('http://10.1.0.1:3990/logon');
  });

  it('mikrotik http-pap posts straight to http://uamip/login with dst, adding the port only when not 80', () => {
    const t = formTarget({ ...base, vendor: 'mikrotik' });
    expect(t.action).toBe('http://10.1.0.1/login');
    expect(t.hidden.dst).toBe('http://example.org/');
    expect(formTarget({ ...base, vendor: 'mikrotik', uamport: 8080 }).action).toBe('http://10.1.0.1:8080/login');
    const loginTarget = { url: 'http://hotspot.lan/login', origin: 'http://hotspot.lan', host: 'hotspot.lan' };
    expect(formTarget({ ...base, uamip: undefined, vendor: 'mikrotik', loginTarget }).action).toBe('http://hotspot.lan/login');
  });

  it('mikrotik http-chap posts to the portal with link-login-only, chap-id and chap-challenge', () => {
    const loginTarget = { url: 'http://hotspot.lan/login', origin: 'http://hotspot.lan', host: 'hotspot.lan' };
    const t = formTarget({ ...base, uamip: undefined, vendor: 'mikrotik', loginTarget, chapId: '\\371', chapChallenge: '\\001\\002' });
    expect(t).toMatchObject({ action: '/portal/login', viaPortal: true });
    expect(t.hidden).toEqual({
      userurl: 'http://example.org/',
      nasid: 'n1',
      'link-login-only': 'http://hotspot.lan/login',
      'chap-id': '\\371',
      'chap-challenge': '\\001\\002',
      lang: 'en',
    });
  });

  it('coova posts to the portal like uspot', () => {
    expect(formTarget({ ...base, vendor: 'coova', uamport: 3990, challenge: 'ab'.repeat(16) })).toMatchObject({
      action: '/portal/login',
      viaPortal: true,
      hidden: { challenge: 'ab'.repeat(16), lang: 'en' },
    });
  });

  it('builds the Coova /logon URL (userurl encoded twice) and the RouterOS login URL', () => {
    expect(
      coovaLogonUrl({
        uamip: '10.1.0.1',
        uamport: 3990,
        username: 'a b',
        chapResponse: 'ee'.repeat(16),
        lang: 'en',
        userurl: 'http://x/?a=1%202',
      }),
    ).toBe(
      `http://10.1.0.1:3990/logon?username=a%20b&response=${'ee'.repeat(16)}&userurl=http%253A%252F%252Fx%252F%253Fa%253D1%2525202&lang=en`,
    );
    const target = { url: 'http://10.5.50.1/login', origin: 'http://10.5.50.1', host: '10.5.50.1' };
    expect(mikrotikLoginUrl(target, 'a&b', 'cd'.repeat(16), 'http://x/?q=1')).toBe(
      `http://10.5.50.1/login?username=a%26b&password=${'cd'.repeat(16)}&dst=http%3A%2F%2Fx%2F%3Fq%3D1`,
    );
  });

  it('uspot posts to the portal, carrying challenge and lang', () => {
    const t = formTarget({ ...base, vendor: 'uspot', uamport: 3990, challenge: 'ab'.repeat(16), lang: 'de' });
    expect(t).toMatchObject({ action: '/portal/login', viaPortal: true });
    expect(t.hidden).toMatchObject({ uamport: '3990', challenge: 'ab'.repeat(16), lang: 'de' });
  });

  it('builds the uspot /logon URL with %20, never +', () => {
    const url = uspotLogonUrl({
      uamip: '10.1.0.1',
      uamport: 3990,
      username: 'a b+c',
      password: 'p w&=?#',
      lang: 'de',
      userurl: 'http://x/?a=1',
    });
    expect(url).toBe('http://10.1.0.1:3990/logon?username=a%20b%2Bc&password=p%20w%26%3D%3F%23&lang=de&redir=http%3A%2F%2Fx%2F%3Fa%3D1');
    const chap = uspotLogonUrl({
      uamip: '10.1.0.1',
      uamport: 3990,
      username: 'u',
      password: 'secret',
      lang: 'en',
      userurl: 'http://x/',
      chapResponse: 'ff'.repeat(16),
    });
    expect(chap).toContain(`response=${'ff'.repeat(16)}`);
    expect(chap).not.toContain('password');
    expect(chap).not.toContain('secret');
  });

  it('links logoff and log-in-again per vendor', () => {
    const at = (vendor: 'uspot' | 'generic' | 'mikrotik' | 'coova', uamport: number) => ({
      vendor,
      uamip: '10.1.0.1',
      uamport,
      userurl: 'http://x/',
    });
    expect(logoffUrl(at('uspot', 3990))).toBe('http://10.1.0.1:3990/logoff');
    expect(logoffUrl(at('coova', 3990))).toBe('http://10.1.0.1:3990/logoff');
    expect(logoffUrl(at('generic', 80))).toBe('http://10.1.0.1:80/logoff');
    expect(logoffUrl(at('mikrotik', 80))).toBe('http://10.1.0.1/logout');
    const loginTarget = { url: 'http://hotspot.lan/login', origin: 'http://hotspot.lan', host: 'hotspot.lan' };
    expect(logoffUrl({ ...at('mikrotik', 80), loginTarget })).toBe('http://hotspot.lan/logout');
    expect(loginAgainUrl(at('uspot', 3990))).toBe('http://x/');
    expect(loginAgainUrl(at('mikrotik', 80))).toBe('http://10.1.0.1/login');
  });
});
