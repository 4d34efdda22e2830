import { defaultUamPort, formTarget, loginAgainUrl, logoffUrl, resolveUamPort, uspotLogonUrl } from './vendor-profiles';

const base = { uamip: '10.1.0.1', uamport: 80, userurl: 'http://example.org/', nasid: 'n1', lang: 'en' };

describe('vendor profiles', () => {
  it('defaults uamport per vendor and lets the NAS record override the URL', () => {
    expect(defaultUamPort('generic')).toBe(80);
    expect(defaultUamPort('mikrotik')).toBe(80);
    expect(defaultUamPort('uspot')).toBe(3990);
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

  it('mikrotik posts to http://uamip/login with dst, adding the port only when not 80', () => {
    const t = formTarget({ ...base, vendor: 'mikrotik' });
    expect(t.action).toBe('http://10.1.0.1/login');
    expect(t.hidden.dst).toBe('http://example.org/');
    expect(formTarget({ ...base, vendor: 'mikrotik', uamport: 8080 }).action).toBe('http://10.1.0.1:8080/login');
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
    expect(logoffUrl('uspot', '10.1.0.1', 3990)).toBe('http://10.1.0.1:3990/logoff');
    expect(logoffUrl('generic', '10.1.0.1', 80)).toBe('http://10.1.0.1:80/logoff');
    expect(logoffUrl('mikrotik', '10.1.0.1', 80)).toBe('http://10.1.0.1/logout');
    expect(loginAgainUrl('uspot', '10.1.0.1', 3990, 'http://x/')).toBe('http://x/');
    expect(loginAgainUrl('mikrotik', '10.1.0.1', 80, 'http://x/')).toBe('http://10.1.0.1/login');
  });
});
