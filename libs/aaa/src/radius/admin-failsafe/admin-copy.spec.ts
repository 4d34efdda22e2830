import type { AuthAccount } from '../account-row';
import { AdminCopy } from './admin-copy';

const account = (id: string, patch: Partial<AuthAccount> = {}): AuthAccount => ({
  id,
  username: `Admin-${id}`,
  passwordEnc: 'v1:x',
  ntHash: '00'.repeat(16),
  kind: 'vpn',
  group: 'admin',
  status: 'active',
  staticIp: null,
  delegatedPrefix: null,
  framedIpv6Prefix: null,
  expiresAt: null,
  quotaBytes: null,
  usedBytes: 0,
  maxSessions: 1,
  restrictions: [],
  openSessions: [],
  profile: null,
  ...patch,
});

function loaded(...rows: AuthAccount[]): AdminCopy {
  const copy = new AdminCopy();
  copy.finish(copy.begin(), rows, 'all-admins');
  return copy;
}

describe('AdminCopy', () => {
  it('finds admins by name, case-insensitively', () => {
    const copy = loaded(account('1'));
    expect(copy.get('admin-1')?.id).toBe('1');
    expect(copy.get('nobody')).toBeUndefined();
  });

  it('drops an admin at once on a change that names it, and keeps it on one that does not (usage)', () => {
    const copy = loaded(account('1'), account('2'));
    expect(copy.notice('1', false)).toBe(false);
    expect(copy.get('admin-1')).toBeDefined();
    expect(copy.notice('2', true)).toBe(true);
    expect(copy.get('admin-2')).toBeUndefined();
  });

  it('does not store what a read returned about an account changed while it was in flight', () => {
    const copy = loaded(account('1'));
    const token = copy.begin();
    copy.notice('1', true);
    expect(copy.finish(token, [account('1', { status: 'active' })], 'all-admins')).toBe(false);
    expect(copy.get('admin-1')).toBeUndefined();
    // The read the owner starts next is after the change, and is kept.
    copy.finish(copy.begin(), [account('1', { status: 'banned' })], ['1']);
    expect(copy.get('admin-1')?.status).toBe('banned');
  });

  it('drops accounts a read covered but did not return (deleted), and those that are no longer admins', () => {
    const copy = loaded(account('1'), account('2'), account('3'));
    expect(copy.finish(copy.begin(), [account('2', { group: 'user' })], ['1', '2'])).toBe(true);
    expect([...copy.values()].map((a) => a.id)).toEqual(['3']);
    expect(copy.finish(copy.begin(), [], 'all-admins')).toBe(true);
    expect(copy.size).toBe(0);
  });

  it('leaves accounts alone that a lookup by name did not return', () => {
    const copy = loaded(account('1'));
    expect(copy.finish(copy.begin(), [account('9')], 'rows')).toBe(true);
    expect(copy.size).toBe(2);
  });

  it('says nothing changed when a read returns what it has', () => {
    const copy = loaded(account('1'));
    expect(copy.finish(copy.begin(), [account('1', { openSessions: ['aa'] })], 'all-admins')).toBe(false);
  });

  it('follows a rename', () => {
    const copy = loaded(account('1'));
    copy.finish(copy.begin(), [account('1', { username: 'renamed' })], ['1']);
    expect(copy.get('admin-1')).toBeUndefined();
    expect(copy.get('RENAMED')?.id).toBe('1');
  });
});
