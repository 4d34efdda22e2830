import { DEFAULT_USERURL, parsePortalParams, safeUserUrl } from './portal-params';

const opts = { allowLoopback: false };
const ok = (q: Record<string, unknown>, o = opts) => {
  const r = parsePortalParams(q, o);
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`);
  return r.params;
};

describe('parsePortalParams', () => {
  it('requires uamip or a MikroTik link-login-only (invalid access method)', () => {
    expect(parsePortalParams({}, opts)).toEqual({ ok: false, error: 'invalid_access' });
    expect(parsePortalParams({ uamip: '  ' }, opts)).toEqual({ ok: false, error: 'invalid_access' });
    expect(ok({ 'link-login-only': 'http://10.5.50.1/login' }).loginTarget).toEqual({
      url: 'http://10.5.50.1/login',
      origin: 'http://10.5.50.1',
      host: '10.5.50.1',
    });
  });

  it.each([
    ['http://hotspot.cafe.example/login', 'hotspot.cafe.example'],
    ['https://Hotspot.Lan:8443/login', 'hotspot.lan'],
    ['http://10.5.50.1:8080/login', '10.5.50.1'],
  ])('accepts the login target %s', (target, host) => {
    expect(ok({ 'link-login-only': target }).loginTarget?.host).toBe(host);
  });

  it.each([
    'javascript:alert(1)',
    'ftp://10.5.50.1/login',
    'http://8.8.8.8/login',
    'http://127.0.0.1/login',
    'http://user:pw@10.5.50.1/login',
    'http://10.5.50.1/login?x=1',
    'http://10.5.50.1/other',
    'http://10.5.50.1/login#x',
    'http://hot_spot.lan/login',
    'not a url',
  ])('refuses the login target %s', (target) => {
    expect(parsePortalParams({ 'link-login-only': target }, opts)).toEqual({ ok: false, error: 'bad_login_target' });
  });

  it('takes RouterOS link-orig as the userurl, chap-id/chap-challenge only octal-escaped, error as printable text', () => {
    const p = ok({
      'link-login-only': 'http://10.5.50.1/login',
      'link-orig': 'http://example.org/',
      'chap-id': '\\371',
      'chap-challenge': '\\357\\015',
      error: 'invalid username or password',
    });
    expect(p).toMatchObject({
      userurl: 'http://example.org/',
      chapId: '\\371',
      chapChallenge: '\\357\\015',
      error: 'invalid username or password',
    });
    const bad = ok({ 'link-login-only': 'http://10.5.50.1/login', 'chap-id': '371', 'chap-challenge': 'x', error: 'a\u0007b' });
    expect(bad).toMatchObject({ chapId: undefined, chapChallenge: undefined, error: undefined });
  });

  it.each([
    ['Cafe Bar 1', 'Cafe Bar 1'],
    ["Jo's Café #2", "Jo's Café #2"],
    ['a\tb', undefined],
    ['a\u200bb', undefined],
    ['\ud800', undefined],
    ['x'.repeat(254), undefined],
  ])('nasid %j -> %j (any printable text)', (nasid, expected) => {
    expect(ok({ uamip: '10.0.0.1', nasid }).nasid).toBe(expected);
  });

  it.each(['8.8.8.8', 'router.lan', 'evil.example.com', '192.168.1.300', '::1', '127.0.0.1', '10.0.0.1:80', '0x0a000001'])(
    'refuses uamip %s',
    (uamip) => expect(parsePortalParams({ uamip }, opts)).toEqual({ ok: false, error: 'bad_uamip' }),
  );

  it.each(['10.1.2.3', '172.16.0.1', '192.168.56.10', '100.64.0.1', '169.254.1.1'])(
    'accepts private/CGNAT/link-local uamip %s',
    (uamip) => {
      expect(ok({ uamip }).uamip).toBe(uamip);
    },
  );

  it('accepts loopback only when the test/dev switch is on', () => {
    expect(parsePortalParams({ uamip: '127.0.0.1' }, opts)).toEqual({ ok: false, error: 'bad_uamip' });
    expect(ok({ uamip: '127.0.0.1' }, { allowLoopback: true }).uamip).toBe('127.0.0.1');
  });

  it('treats an overlong uamip or uamport as invalid, not absent', () => {
    expect(parsePortalParams({ uamip: '10.0.0.1' + ' '.repeat(100) + 'x' }, opts)).toEqual({ ok: false, error: 'bad_uamip' });
    expect(parsePortalParams({ uamip: '10.0.0.1', uamport: '123456789' }, opts)).toEqual({ ok: false, error: 'bad_uamport' });
  });

  it.each(['0', '65536', '-1', '80a', '1e3', ''])('refuses uamport %j', (uamport) => {
    const r = parsePortalParams({ uamip: '10.0.0.1', uamport }, opts);
    if (uamport === '') expect(r.ok).toBe(true);
    else expect(r).toEqual({ ok: false, error: 'bad_uamport' });
  });

  it('keeps a valid uamport and leaves it undefined when absent', () => {
    expect(ok({ uamip: '10.0.0.1', uamport: '3990' }).uamport).toBe(3990);
    expect(ok({ uamip: '10.0.0.1', uamport: '65535' }).uamport).toBe(65535);
    expect(ok({ uamip: '10.0.0.1' }).uamport).toBeUndefined();
    expect(ok({ uamip: '10.0.0.1', uamport: 'null' }).uamport).toBeUndefined(); // uspot with uam_port unset
  });

  it('takes the first of repeated parameters and ignores non-strings', () => {
    expect(ok({ uamip: ['10.0.0.1', '8.8.8.8'], nasid: { a: 1 } })).toMatchObject({ uamip: '10.0.0.1', nasid: undefined });
  });

  it('defaults res to notyet and keeps known results', () => {
    expect(ok({ uamip: '10.0.0.1' }).res).toBe('notyet');
    expect(ok({ uamip: '10.0.0.1', res: 'bogus' }).res).toBe('notyet');
    for (const res of ['success', 'already', 'reject', 'failed', 'logoff', 'notyet']) expect(ok({ uamip: '10.0.0.1', res }).res).toBe(res);
  });

  it('drops malformed optional values instead of failing', () => {
    const p = ok({
      uamip: '10.0.0.1',
      nasid: 'a\u0000b',
      mac: 'zz',
      challenge: 'abc',
      md: 'x',
      lang: '<script>',
      timeleft: '-5',
      reason: 'Bad!',
    });
    expect(p).toMatchObject({
      nasid: undefined,
      mac: undefined,
      challenge: undefined,
      md: undefined,
      lang: undefined,
      timeleft: undefined,
      reason: undefined,
    });
  });

  it('keeps well-formed optional values', () => {
    const p = ok({
      uamip: '10.0.0.1',
      nasid: 'cafe-01',
      mac: 'AA-BB-CC-DD-EE-FF',
      ip: '10.0.0.23',
      challenge: '0123456789abcdef0123456789ABCDEF',
      sessionid: '0a1b2c3d4e5f6071',
      called: '00-11-22-33-44-55',
      lang: 'de-DE',
      reply: 'Welcome <b>',
      reason: 'timeout',
      timeleft: '3600',
    });
    expect(p).toMatchObject({
      nasid: 'cafe-01',
      mac: 'AA-BB-CC-DD-EE-FF',
      lang: 'de-DE',
      reply: 'Welcome <b>',
      reason: 'timeout',
      timeleft: 3600,
    });
  });
});

describe('safeUserUrl', () => {
  it.each([
    ['https://example.org/a?b=c', 'https://example.org/a?b=c'],
    ['http://neverssl.com', 'http://neverssl.com'],
    ['javascript:alert(1)', DEFAULT_USERURL],
    ['data:text/html,<script>', DEFAULT_USERURL],
    ['//evil.example', DEFAULT_USERURL],
    ['http:/evil', DEFAULT_USERURL],
    ['ftp://x', DEFAULT_USERURL],
    ['not a url', DEFAULT_USERURL],
    ['http://x/' + 'a'.repeat(2001), DEFAULT_USERURL],
    [undefined, DEFAULT_USERURL],
  ])('%s -> %s', (input, expected) => expect(safeUserUrl(input)).toBe(expected));
});
