import { parseAccounting, toAccessRequest } from './radius-request';
import { parseAttributes } from './rlm-rest.codec';

const NOW = new Date('2026-11-22T12:00:00Z');
const parse = (attrs: Record<string, string | number>) =>
  parseAccounting(parseAttributes({ 'Acct-Status-Type': 'Interim-Update', 'Acct-Session-Id': 's-1', ...attrs }), NOW);

describe('parseAccounting: every attribute in range, or the reason it can never be stored', () => {
  it.each<[string, Record<string, string | number>, string | RegExp]>([
    ['Acct-Session-Time past int', { 'Acct-Session-Time': 4294967295 }, 'Acct-Session-Time 4294967295 is out of range (0-2147483647)'],
    ['Acct-Session-Time at int max is fine', { 'Acct-Session-Time': 2147483647 }, ''],
    [
      'Gigawords of 2^32-1 (past bigint with the octets)',
      { 'Acct-Input-Gigawords': 4294967295 },
      /^Acct-Input-Gigawords and -Octets add up to/,
    ],
    ['Gigawords past 32 bits', { 'Acct-Input-Gigawords': 4294967296 }, /^Acct-Input-Gigawords 4294967296 is out of range/],
    ['Octets64 past 2^53', { 'Acct-Output-Octets64': '9007199254740992' }, /^Acct-Output-Octets64 9007199254740992 is out of range/],
    ['Octets64 at 2^53-1 is fine', { 'Acct-Output-Octets64': '9007199254740991' }, ''],
    ['a negative number', { 'Acct-Delay-Time': -5 }, /^Acct-Delay-Time "-5" is not a non-negative integer$/],
    ['exponent notation', { 'Acct-Input-Octets64': 1e21 }, /^Acct-Input-Octets64 "1e\+21" is not a non-negative integer$/],
    ['NUL in a string', { 'Calling-Station-Id': 'aa\u0000' }, /^Calling-Station-Id "aa\\u0000" contains a NUL/],
    ['254 characters', { 'User-Name': 'u'.repeat(254) }, 'User-Name is longer than 253 characters'],
    ['not an address', { 'Framed-IP-Address': '10.0.0.256' }, /^Framed-IP-Address "10.0.0.256" is not an IP address$/],
    ['an unknown status', { 'Acct-Status-Type': 'Reboot' }, /^Acct-Status-Type "Reboot" is not one of/],
    ['no status', { 'Acct-Status-Type': '' }, 'Acct-Status-Type is missing'],
    ['no session id', { 'Acct-Session-Id': '' }, 'Acct-Session-Id is missing from an accounting Interim-Update'],
    ['Accounting-On needs no session id', { 'Acct-Status-Type': 'Accounting-On', 'Acct-Session-Id': '' }, ''],
    ['a nonsense Event-Timestamp falls back to the arrival time', { 'Event-Timestamp': 'Feb 30 banana' }, ''],
  ])('%s', (_, attrs, reason) => {
    const r = parse(attrs);
    if (reason === '') expect(r.ok).toBe(true);
    else expect(r.ok ? '' : r.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it('reads 64-bit counters and keeps the User-Name as sent, with its account key', () => {
    const r = parse({ 'User-Name': 'Eve', 'Acct-Input-Gigawords': 2, 'Acct-Input-Octets': 5, 'Acct-Session-Time': 60 });
    expect(r.ok && r.packet).toMatchObject({ username: 'Eve', accountKey: 'eve', inputOctets: 2 * 2 ** 32 + 5, sessionTime: 60 });
    const odd = parse({ 'User-Name': 'eve\t' });
    expect(odd.ok && odd.packet).toMatchObject({ username: 'eve\t', accountKey: null, sessionTime: null });
  });
});

describe('parseAccounting: IPv6 attributes', () => {
  it.each<[string, Record<string, string>, Record<string, string | null>]>([
    [
      'as FreeRADIUS prints them',
      { 'Framed-IPv6-Prefix': '2001:db8:1:2::/64', 'Delegated-IPv6-Prefix': '2001:db8:100::/56', 'Framed-IPv6-Address': '2001:db8:1:2::5' },
      {
        framedIpv6Prefix: '2001:db8:1:2:0:0:0:0/64',
        delegatedIpv6Prefix: '2001:db8:100:0:0:0:0:0/56',
        framedIpv6Address: '2001:db8:1:2::5',
      },
    ],
    [
      'bits after the length: the network',
      { 'Framed-IPv6-Prefix': '2001:db8:1:2::9/64' },
      { framedIpv6Prefix: '2001:db8:1:2:0:0:0:0/64', delegatedIpv6Prefix: null, framedIpv6Address: null },
    ],
    [
      'malformed values are dropped, not the packet',
      { 'Framed-IPv6-Prefix': '2001:db8::/129', 'Delegated-IPv6-Prefix': '10.0.0.0/8', 'Framed-IPv6-Address': 'fe80::1%eth0' },
      { framedIpv6Prefix: null, delegatedIpv6Prefix: null, framedIpv6Address: null },
    ],
    [
      'no length, an IPv4 address, text',
      { 'Framed-IPv6-Prefix': '2001:db8::', 'Delegated-IPv6-Prefix': 'x\u0000', 'Framed-IPv6-Address': '10.0.0.1' },
      { framedIpv6Prefix: null, delegatedIpv6Prefix: null, framedIpv6Address: null },
    ],
  ])('%s', (_, attrs, expected) => {
    const r = parse({ 'Acct-Input-Octets': '700', ...attrs });
    expect(r.ok && r.packet).toMatchObject({ inputOctets: 700, ...expected });
  });
});

describe('toAccessRequest', () => {
  it.each([
    ['eve', 'eve'],
    ['EVE', 'eve'],
    ['eve\t', null],
    [' eve', null],
    ['eve\u00a0', null],
  ])('%j means account %j, and is never trimmed', (name, key) => {
    expect(toAccessRequest(parseAttributes({ 'User-Name': name }))).toMatchObject({ username: name, accountKey: key });
  });
});
