import { parseTrustedProxies } from './trusted-proxies';

describe('parseTrustedProxies()', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['10.0.0.0/8,::1', '10.200.3.4', true],
    ['10.0.0.0/8,::1', '::1', true],
    ['10.0.0.0/8,::1', '11.0.0.1', false],
    ['fd00::/8', 'fd12::1', true],
    ['', '127.0.0.1', false],
    ['127.0.0.1', undefined, false],
    ['127.0.0.1', 'not-an-ip', false],
  ])('%s trusts %s: %s', (list, ip, expected) => {
    expect(parseTrustedProxies(list)!.has(ip)).toBe(expected);
  });

  it.each(['10.0.0.1/33', 'fe80::/129', 'proxy.lan', '10.0.0.1/8/1', '10.0.0.1/x', '300.1.1.1'])('refuses %s', (list) => {
    expect(parseTrustedProxies(list)).toBeNull();
  });
});
