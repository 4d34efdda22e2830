import { clearCookie, newToken, parseCookies, setCookie, tokenOf } from './cookies';

describe('panel cookies', () => {
  it('are HttpOnly, SameSite=Lax, scoped to /panel, Secure over TLS', () => {
    expect(setCookie('panel_session', 'v', { secure: true, pathPrefix: '' })).toBe(
      'panel_session=v; Path=/panel; HttpOnly; SameSite=Lax; Secure',
    );
    expect(setCookie('panel_lang', 'de', { secure: false, pathPrefix: '/isp' }, 3600)).toBe(
      'panel_lang=de; Path=/isp/panel; Max-Age=3600; HttpOnly; SameSite=Lax',
    );
    expect(clearCookie('panel_session', { secure: false, pathPrefix: '' })).toContain('panel_session=; Path=/panel; Max-Age=0');
  });

  it('reads back only well-formed tokens', () => {
    const t = newToken();
    expect(tokenOf(parseCookies(`a=1; panel_session=${t}`), 'panel_session')).toBe(t);
    expect(tokenOf(parseCookies('panel_session=short'), 'panel_session')).toBeUndefined();
    expect(tokenOf(parseCookies(`panel_session=${'%'.repeat(43)}`), 'panel_session')).toBeUndefined();
    expect(tokenOf(parseCookies(undefined), 'panel_session')).toBeUndefined();
  });
});
