import { createHash } from 'node:crypto';
import type { AuthAccount } from '../account-row';
import { adminEntry, AdminEntryInput, decisionLines, renderAdminSnapshot, ssha512 } from './admin-snapshot';

const now = new Date('2026-11-22T10:00:00Z');
const key = Buffer.alloc(32, 7);
const admin: AuthAccount = {
  id: '11111111-1111-1111-1111-111111111111',
  username: 'Boss.Admin',
  passwordEnc: 'v1:sealed-1',
  ntHash: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
  kind: 'vpn',
  group: 'admin',
  status: 'active',
  staticIp: '10.0.0.7',
  delegatedPrefix: null,
  framedIpv6Prefix: null,
  expiresAt: null,
  quotaBytes: null,
  usedBytes: 0,
  maxSessions: 1,
  restrictions: [],
  openSessions: [],
  profile: null,
};
const input = (patch: Partial<AuthAccount> = {}, ...cleartext: [string | undefined] | []): AdminEntryInput => ({
  account: { ...admin, ...patch },
  cleartext: cleartext.length ? cleartext[0] : 'boss-pw',
  now,
  interimInterval: 300,
  saltKey: key,
});
const inHours = (h: number) => new Date(now.getTime() + h * 3600_000);

describe('adminEntry', () => {
  it('writes a salted SHA-512 rlm_pap can check, the NT hash, and the RFC reply; never the cleartext', () => {
    const e = adminEntry(input())!;
    expect(e.text).not.toContain('boss-pw');
    const lines = e.text.split('\n');
    expect(lines[0]).toBe('?boss.admin\tAaa-Admin-Known := 1');
    const hex = /SSHA2-512-Password := 0x([0-9a-f]+)/.exec(lines[1])![1];
    const stored = Buffer.from(hex, 'hex');
    const salt = stored.subarray(64);
    expect(salt.length).toBe(16);
    // rlm_pap: SHA-512(password || salt) || salt.
    expect(createHash('sha512').update('boss-pw').update(salt).digest()).toEqual(stored.subarray(0, 64));
    expect(lines[1]).toContain('NT-Password := 0xa1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(lines.slice(2)).toEqual(['\tFramed-IP-Address = 10.0.0.7,', '\tAcct-Interim-Interval = 300']);
  });

  it('renders an unchanged admin the same way every time, and differently after a new password', () => {
    expect(adminEntry(input())).toEqual(adminEntry(input()));
    expect(adminEntry(input({ passwordEnc: 'v1:sealed-2' }, 'new-pw'))!.decision).not.toBe(adminEntry(input())!.decision);
  });

  it.each<[string, Partial<AuthAccount>, string]>([
    ['banned', { status: 'banned' }, 'banned'],
    ['disabled', { status: 'disabled' }, 'disabled'],
    ['a hotspot admin past its expiry', { kind: 'hotspot', expiresAt: inHours(-1) }, 'expired'],
    ['a vpn admin past its expiry (restricted accept: its marker is a vendor attribute)', { expiresAt: inHours(-1) }, 'restricted'],
    ['an unpaid flag', { restrictions: ['unpaid'] }, 'restricted'],
    ['a used-up quota', { quotaBytes: 10, usedBytes: 10 }, 'restricted'],
  ])('writes %s as a reject with its reason, without any credential', (_name, patch, verdict) => {
    const e = adminEntry(input(patch))!;
    expect(e.decision).toBe(`boss.admin\tAaa-Account-Group := "admin", Aaa-Admin-Verdict := "${verdict}"`);
    expect(e.text).not.toMatch(/Password|Framed/);
  });

  it('carries an expiry still ahead as the time the accept stops holding', () => {
    expect(adminEntry(input({ expiresAt: inHours(48) }))!.decision).toMatch(
      new RegExp(`Aaa-Admin-Until := ${Math.floor(inHours(48).getTime() / 1000)}$`),
    );
  });

  it('adds the IPv6 prefixes, as PostgreSQL writes them', () => {
    const e = adminEntry(input({ delegatedPrefix: '2001:db8:100::/56', framedIpv6Prefix: '2001:db8:1:2::/64' }))!;
    expect(e.text.split('\n').slice(2)).toEqual([
      '\tFramed-IP-Address = 10.0.0.7,',
      '\tFramed-IPv6-Prefix = 2001:db8:1:2::/64,',
      '\tDelegated-IPv6-Prefix = 2001:db8:100::/56,',
      '\tAcct-Interim-Interval = 300',
    ]);
    // Never a shape freeradius/run.sh would refuse the whole file for.
    expect(adminEntry(input({ delegatedPrefix: '2001:DB8:100::/56' }))!.text).not.toContain('Delegated-IPv6-Prefix');
  });

  it('adds the profile timeouts, and leaves out what is not IPv4', () => {
    const profile = { sessionTimeoutSeconds: 3600, idleTimeoutSeconds: 600 } as AuthAccount['profile'];
    const e = adminEntry(input({ profile, staticIp: '2001:db8::7' }))!;
    expect(e.text.split('\n').slice(2)).toEqual(['\tSession-Timeout = 3600,', '\tIdle-Timeout = 600,', '\tAcct-Interim-Interval = 300']);
  });

  it.each<[string, Partial<AuthAccount>, string | undefined]>([
    ['a user', { group: 'user' }, 'boss-pw'],
    ['a name the users file could not take verbatim', { username: 'boss "admin"' }, 'boss-pw'],
    ['a non-ASCII name', { username: 'jürgen' }, 'boss-pw'],
    ['a password that cannot be decrypted', {}, undefined],
    ['a malformed NT hash', { ntHash: 'xyz' }, 'boss-pw'],
  ])('leaves out %s', (_name, patch, cleartext) => {
    expect(adminEntry(input(patch, cleartext))).toBeNull();
  });
});

describe('renderAdminSnapshot / decisionLines', () => {
  it('sorts by name, keeps the first of a name, and reads back each decision line', () => {
    const b = adminEntry(input({ id: 'b', username: 'b' }))!;
    const a = adminEntry(input({ id: 'a', username: 'a', status: 'banned' }))!;
    const again = adminEntry(input({ id: 'a2', username: 'A', status: 'disabled' }))!;
    const text = renderAdminSnapshot([b, a, again]);
    expect(text.indexOf('\na\t')).toBeLessThan(text.indexOf('\nb\t'));
    expect(text).not.toContain('disabled');
    expect([...decisionLines(text)]).toEqual([
      ['a', a.decision],
      ['b', b.decision],
    ]);
  });

  it('renders an empty snapshot as comments only', () => {
    expect(decisionLines(renderAdminSnapshot([])).size).toBe(0);
    expect(
      renderAdminSnapshot([])
        .trim()
        .split('\n')
        .every((l) => l.startsWith('#')),
    ).toBe(true);
  });
});

describe('ssha512', () => {
  it('is SHA-512 over the UTF-8 password then the salt, followed by the salt', () => {
    const salt = Buffer.from('0011223344556677', 'hex');
    const out = ssha512('pässwörd', salt);
    expect(out.subarray(64)).toEqual(salt);
    expect(out.subarray(0, 64)).toEqual(createHash('sha512').update(Buffer.from('pässwörd', 'utf8')).update(salt).digest());
  });
});
