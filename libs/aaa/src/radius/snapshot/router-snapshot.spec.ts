import { clientAttributes, renderRouterSnapshot, SnapshotEntry } from './router-snapshot';

const entry = (over: Partial<SnapshotEntry>): SnapshotEntry => ({
  ip: '192.0.2.1',
  id: '00000000-0000-4000-8000-000000000001',
  vendor: 'mikrotik',
  requireMessageAuthenticator: true,
  secret: 'plain-secret-0123',
  ...over,
});

describe('renderRouterSnapshot', () => {
  it.each([
    ['an IPv4 router', entry({}), '192.0.2.1|192.0.2.1||00000000-0000-4000-8000-000000000001|mikrotik|1|plain-secret-0123\n'],
    [
      'an IPv6 router that does not require Message-Authenticator',
      entry({ ip: '2001:db8::7', vendor: 'uspot', requireMessageAuthenticator: false }),
      '2001:db8::7||2001:db8::7|00000000-0000-4000-8000-000000000001|uspot|0|plain-secret-0123\n',
    ],
    [
      'a secret with the delimiter, quotes and a percent sign (kept as they are: last field, no expansion)',
      entry({ secret: `a|b"c'd%{User-Name}` }),
      `192.0.2.1|192.0.2.1||00000000-0000-4000-8000-000000000001|mikrotik|1|a|b"c'd%{User-Name}\n`,
    ],
    [
      'a secret with backslashes (doubled: FreeRADIUS unescapes like a double-quoted string)',
      entry({ secret: 'x\\ny\\\\z\\101' }),
      '192.0.2.1|192.0.2.1||00000000-0000-4000-8000-000000000001|mikrotik|1|x\\\\ny\\\\\\\\z\\\\101\n',
    ],
    [
      'a UTF-8 secret',
      entry({ secret: 'gehéim-schlüssel' }),
      '192.0.2.1|192.0.2.1||00000000-0000-4000-8000-000000000001|mikrotik|1|gehéim-schlüssel\n',
    ],
  ])('renders %s', (_name, e, line) => {
    expect(renderRouterSnapshot([e])).toEqual({ content: line, skipped: [] });
  });

  it.each([
    ['a line break in the secret', entry({ secret: 'a\nb-0123456789abc' })],
    ['a carriage return in the secret', entry({ secret: 'a\rb-0123456789abc' })],
    ['a NUL in the secret', entry({ secret: 'a\u0000b-0123456789abc' })],
    ['the delimiter in a key field', entry({ vendor: 'mik|rotik' as SnapshotEntry['vendor'] })],
    ['a line FreeRADIUS would split (fgets of 1024 bytes)', entry({ secret: 'ü'.repeat(500) })],
  ])('leaves out a router with %s, saying so', (_name, e) => {
    expect(renderRouterSnapshot([e])).toEqual({ content: '', skipped: [{ id: e.id, reason: expect.any(String) }] });
  });

  it('sorts by address, so the same routers always give the same bytes', () => {
    const a = entry({ ip: '192.0.2.9', id: 'a' });
    const b = entry({ ip: '10.0.0.1', id: 'b' });
    expect(renderRouterSnapshot([a, b]).content).toBe(renderRouterSnapshot([b, a]).content);
    expect(renderRouterSnapshot([a, b]).content.split('\n')[0]).toMatch(/^10\.0\.0\.1\|/);
  });

  it('renders no routers as an empty file', () => {
    expect(renderRouterSnapshot([])).toEqual({ content: '', skipped: [] });
  });
});

describe('clientAttributes', () => {
  it.each([
    ['192.0.2.1', true, 'control:FreeRADIUS-Client-IP-Address', 'yes'],
    ['2001:db8::1', false, 'control:FreeRADIUS-Client-IPv6-Address', 'no'],
  ])('%s (require MA %s) → %s, Require-MA %s', (ip, ma, addressKey, flag) => {
    const attrs = clientAttributes(ip, { id: 'r1', vendor: 'uspot', requireMessageAuthenticator: ma }, 's3cret');
    expect(attrs).toEqual({
      [addressKey]: ip,
      'control:FreeRADIUS-Client-Secret': 's3cret',
      'control:FreeRADIUS-Client-Shortname': 'r1',
      'control:FreeRADIUS-Client-NAS-Type': 'uspot',
      'control:FreeRADIUS-Client-Require-MA': flag,
    });
  });
});
