import { parseTrustedProxies } from './trusted-proxies';
import { requestView, sameOrigin } from './request-view';

const proxies = parseTrustedProxies('10.0.0.2,10.9.0.0/16')!;
const facts = (peer: string, headers: Record<string, string> = {}, host = '10.0.0.1:3000') => ({ peer, protocol: 'http', host, headers });
const tls = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'portal.example.org', 'x-forwarded-for': '198.51.100.7' };

describe('requestView()', () => {
  it.each([
    ['a direct browser', facts('198.51.100.7', tls), undefined, { clientIp: '198.51.100.7', origin: 'http://10.0.0.1:3000' }],
    ['a trusted proxy', facts('10.0.0.2', tls), undefined, { clientIp: '198.51.100.7', origin: 'https://portal.example.org' }],
    [
      'a dual-stack peer address',
      facts('::ffff:10.0.0.2', tls),
      undefined,
      { clientIp: '198.51.100.7', origin: 'https://portal.example.org' },
    ],
    [
      'a chain of trusted proxies, a forged left-most hop',
      facts('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.9.1.1' }),
      undefined,
      { clientIp: '198.51.100.7', origin: 'http://10.0.0.1:3000' },
    ],
    [
      'a proxy with a junk host',
      facts('10.0.0.2', { 'x-forwarded-host': 'a b/c', 'x-forwarded-proto': 'gopher' }),
      undefined,
      { origin: 'http://10.0.0.1:3000' },
    ],
    [
      'PUBLIC_URL over everything',
      facts('10.0.0.2', tls),
      'https://wifi.example.net/hs/',
      { origin: 'https://wifi.example.net', pathPrefix: '/hs' },
    ],
    ['no Host at all', facts('198.51.100.7', {}, ''), undefined, { origin: 'http://invalid.host' }],
  ])('%s', (_, f, publicUrl, expected) => {
    expect(requestView(f, proxies, publicUrl)).toMatchObject(expected);
  });
});

describe('sameOrigin()', () => {
  const own = 'https://portal.example.org';
  it.each([
    [{ origin: own }, true],
    [{ origin: 'https://PORTAL.example.org' }, true],
    [{ referer: `${own}/portal?x=1` }, true],
    [{ origin: 'https://evil.example', referer: `${own}/portal` }, false],
    [{ origin: 'null' }, false],
    [{ origin: 'http://portal.example.org' }, false],
    [{ referer: 'not a url' }, false],
    [{}, false],
  ])('%j → %s', (headers, expected) => {
    expect(sameOrigin(headers, own)).toBe(expected);
  });
});
