import { clientAddress, parseTrustedProxies } from './trusted-proxies';

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

describe('clientAddress()', () => {
  const trusted = parseTrustedProxies('10.0.0.1,10.0.0.2')!;
  it.each([
    ['an untrusted peer: its own address, whatever it forwards', '203.0.113.9', '198.51.100.1', '203.0.113.9'],
    ['a trusted proxy: the hop it names', '10.0.0.1', '198.51.100.1', '198.51.100.1'],
    ['a v4 peer on a dual-stack socket', '::ffff:10.0.0.1', '198.51.100.1', '198.51.100.1'],
    ['two trusted proxies: skipped from the right', '10.0.0.1', '198.51.100.1, 10.0.0.2', '198.51.100.1'],
    ['what the client prepended is not believed', '10.0.0.1', '1.2.3.4, 198.51.100.1', '198.51.100.1'],
    ['a trusted proxy without the header: the proxy', '10.0.0.1', undefined, '10.0.0.1'],
  ])('%s', (_, peer, header, expected) => expect(clientAddress(peer, header, trusted)).toBe(expected));
});
