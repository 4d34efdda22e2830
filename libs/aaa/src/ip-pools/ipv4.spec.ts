import { allocatableCount, contains, defaultGateway, intToIp, ipToInt, isPrivateOrCgnat, parseCidr } from './ipv4';

describe('ipv4', () => {
  it.each([
    ['10.0.0.0/28', { network: ipToInt('10.0.0.0'), prefix: 28, broadcast: ipToInt('10.0.0.15') }],
    ['192.168.0.0/16', { network: ipToInt('192.168.0.0'), prefix: 16, broadcast: ipToInt('192.168.255.255') }],
    ['10.0.0.1/28', null],
    ['10.0.0.0/33', null],
    ['300.0.0.0/24', null],
    ['10.0.0.0', null],
    ['10.0.0.0/24/1', null],
    ['fe80::/64', null],
  ])('parseCidr(%s)', (input, expected) => {
    expect(parseCidr(input)).toEqual(expected);
  });

  it('round-trips addresses', () => {
    for (const ip of ['0.0.0.0', '10.1.2.3', '255.255.255.255', '192.168.100.200']) expect(intToIp(ipToInt(ip))).toBe(ip);
  });

  it('counts allocatable hosts without network, broadcast and gateway', () => {
    const c = parseCidr('10.0.0.0/28')!;
    expect(defaultGateway(c)).toBe('10.0.0.1');
    expect(allocatableCount(c, '10.0.0.1')).toBe(13);
    expect(allocatableCount(parseCidr('10.0.0.0/30')!, '10.0.0.1')).toBe(1);
    expect(contains(c, '10.0.0.15')).toBe(true);
    expect(contains(c, '10.0.0.16')).toBe(false);
  });

  it.each([
    ['192.168.1.1', true],
    ['10.255.0.1', true],
    ['172.31.0.1', true],
    ['172.32.0.1', false],
    ['100.64.0.1', true],
    ['169.254.1.1', true],
    ['8.8.8.8', false],
    ['evil.example.com', false],
  ])('isPrivateOrCgnat(%s) = %s', (ip, expected) => {
    expect(isPrivateOrCgnat(ip)).toBe(expected);
  });
});
