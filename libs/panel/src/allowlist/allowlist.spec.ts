import { inNetworks, mayManage, signInAllowed } from './allowlist';

const open = { panelAllowlist: null };
const empty = { panelAllowlist: [] };
const office = { panelAllowlist: ['203.0.113.0/24'] };
const home = { panelAllowlist: ['198.51.100.7', '2001:db8:7::/48'] };

describe('inNetworks()', () => {
  it.each([
    ['203.0.113.9', ['203.0.113.0/24'], true],
    ['203.0.114.9', ['203.0.113.0/24'], false],
    ['::ffff:203.0.113.9', ['203.0.113.0/24'], true],
    ['198.51.100.7', ['198.51.100.7'], true],
    ['198.51.100.8', ['198.51.100.7/32'], false],
    ['2001:db8:7:1::5', ['2001:db8:7::/48'], true],
    ['2001:db8:8::5', ['2001:db8:7::/48'], false],
    ['203.0.113.9', ['2001:db8:7::/48'], false],
    ['203.0.113.9', ['0.0.0.0/0'], true],
    ['not an ip', ['0.0.0.0/0'], false],
    ['203.0.113.9', [], false],
  ])('%s in %j → %s', (ip, nets, expected) => {
    expect(inNetworks(ip, nets)).toBe(expected);
  });
});

describe('signInAllowed(): refused only from outside every allowlist the customer has', () => {
  it.each([
    ['no connection has one', [open, empty], '192.0.2.1', true],
    ['no connections at all', [], '192.0.2.1', true],
    ['inside the only one', [open, office], '203.0.113.50', true],
    ['outside the only one', [open, office], '192.0.2.1', false],
    ['inside the second of two', [office, home], '198.51.100.7', true],
    ['inside one over IPv6', [office, home], '2001:db8:7::1', true],
    ['outside both', [office, home], '198.51.100.8', false],
  ])('%s', (_, connections, ip, expected) => {
    expect(signInAllowed(ip, connections)).toBe(expected);
  });
});

describe('mayManage(): a connection with an allowlist is changed only from inside it', () => {
  it.each([
    [open, '192.0.2.1', true],
    [empty, '192.0.2.1', true],
    [office, '203.0.113.1', true],
    [office, '198.51.100.7', false],
    [home, '198.51.100.7', true],
  ])('%j from %s → %s', (c, ip, expected) => {
    expect(mayManage(ip, c)).toBe(expected);
  });
});
