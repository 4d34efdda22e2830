import { ipv6Network, isCidr, isIpAddress, isIpv6Address, isIpv6Cidr } from './ip';

describe('isIpAddress: what PostgreSQL inet takes', () => {
  it.each([
    ['1.2.3.4', true],
    ['::1', true],
    ['::ffff:1.2.3.4', true],
    ['2001:db8::1', true],
    ['fe80::1%eth0', false],
    ['fe80::1%25eth0', false],
    ['01.2.3.4', false],
    ['1.2.3.4/32', false],
    ['1.2.3', false],
    ['', false],
    [' 1.2.3.4', false],
  ])('%j → %s', (value, ok) => {
    expect(isIpAddress(value)).toBe(ok);
  });
});

describe('isCidr: what PostgreSQL cidr takes', () => {
  it.each([
    ['203.0.113.0/24', true],
    ['10.0.0.0/8', true],
    ['10.0.0.1', true],
    ['10.0.0.1/32', true],
    ['0.0.0.0/0', true],
    ['10.0.0.1/24', false],
    ['1.2.3.4/33', false],
    ['1.2.3.0/024x', false],
    ['10.0.0.0/', false],
    ['10.0.0.0/8/8', false],
    ['2001:db8::/32', true],
    ['2001:db8::1/128', true],
    ['::/0', true],
    ['2001:db8::1/64', false],
    ['2001:db8::/129', false],
    ['::ffff:10.0.0.0/120', true],
    ['::ffff:10.0.0.1/120', false],
    ['fe80::%eth0/64', false],
    ['10/8', false],
  ])('%j → %s', (value, ok) => {
    expect(isCidr(value)).toBe(ok);
  });
});

describe('IPv6 prefixes and addresses', () => {
  it.each([
    ['2001:db8::/32', '2001:db8:0:0:0:0:0:0/32'],
    ['2001:db8:1:2::9/64', '2001:db8:1:2:0:0:0:0/64'],
    ['::/0', '0:0:0:0:0:0:0:0/0'],
    ['2001:db8::1/128', '2001:db8:0:0:0:0:0:1/128'],
    ['2001:db8::', null],
    ['2001:db8::/129', null],
    ['10.0.0.0/8', null],
    ['fe80::%eth0/64', null],
    ['2001:db8::/64/1', null],
  ])('ipv6Network(%j) = %j', (value, network) => {
    expect(ipv6Network(value)).toBe(network);
  });

  it.each([
    ['2001:db8::/40', true],
    ['2001:db8::1/64', false],
    ['2001:db8::1', false],
    ['10.0.0.0/8', false],
  ])('isIpv6Cidr(%j) = %s', (value, ok) => {
    expect(isIpv6Cidr(value)).toBe(ok);
  });

  it.each([
    ['2001:db8::1', true],
    ['::ffff:1.2.3.4', true],
    ['1.2.3.4', false],
    ['2001:db8::/64', false],
  ])('isIpv6Address(%j) = %s', (value, ok) => {
    expect(isIpv6Address(value)).toBe(ok);
  });
});
