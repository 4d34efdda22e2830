import { AccountCache } from './account-cache';
import type { AuthAccount } from './account-row';

const acc = (id: string, username = `user-${id}`) => ({ id, username }) as AuthAccount;

function warm(capacity = 10): AccountCache {
  const c = new AccountCache(capacity);
  c.resume();
  return c;
}

describe('AccountCache', () => {
  it('serves what a lookup stored', () => {
    const c = warm();
    c.finish(c.begin(), [['Alice', acc('1', 'alice')]]);
    expect(c.get('Alice')?.id).toBe('1');
    expect(c.get('alice')).toBeUndefined(); // keyed by the exact input; SQL decides equality
  });

  it.each([
    ['the same account', 'a:1', false],
    ['the same account, named', 'a:1:alice', false],
    ['a session of the same account', 's:1\tAA:BB\talice', false],
    ['another account', 'a:2', true],
    ['all accounts', '*', false],
  ])('a notification about %s during the lookup decides whether it is stored', (_, payload, stored) => {
    const c = warm();
    const token = c.begin();
    c.invalidate(payload);
    c.finish(token, [['alice', acc('1')]]);
    expect(c.get('alice') !== undefined).toBe(stored);
  });

  it('a notification after the store evicts every spelling of the account', () => {
    const c = warm();
    c.finish(c.begin(), [['alice', acc('1')]]);
    c.finish(c.begin(), [['ALICE', acc('1')]]);
    c.invalidate('a:1');
    expect([c.get('alice'), c.get('ALICE')]).toEqual([undefined, undefined]);
  });

  it('remembers per-account notifications only while lookups are in flight', () => {
    const c = warm();
    const t1 = c.begin();
    c.invalidate('a:1');
    c.finish(t1, []);
    const t2 = c.begin();
    c.finish(t2, [['alice', acc('1')]]);
    expect(c.get('alice')?.id).toBe('1');
  });

  it('trusts nothing while the notification channel is down', () => {
    const c = warm();
    c.finish(c.begin(), [['alice', acc('1')]]);
    c.suspend();
    expect(c.get('alice')).toBeUndefined();
    c.finish(c.begin(), [['bob', acc('2')]]);
    c.resume();
    expect([c.get('alice'), c.get('bob')]).toEqual([undefined, undefined]);
  });

  it('does not store a lookup that began before a resume', () => {
    const c = warm();
    c.suspend();
    const token = c.begin();
    c.resume();
    c.finish(token, [['alice', acc('1')]]);
    expect(c.get('alice')).toBeUndefined();
  });

  it('drops the oldest entry at capacity, and stores nothing at capacity 0', () => {
    const c = warm(2);
    c.finish(c.begin(), [
      ['a', acc('1')],
      ['b', acc('2')],
      ['c', acc('3')],
    ]);
    expect([c.get('a'), c.get('b')?.id, c.get('c')?.id]).toEqual([undefined, '2', '3']);
    expect(c.size).toBe(2);
    const off = warm(0);
    off.finish(off.begin(), [['a', acc('1')]]);
    expect(off.size).toBe(0);
  });

  it('a name that now means another account replaces the old entry', () => {
    const c = warm();
    c.finish(c.begin(), [['alice', acc('1')]]);
    c.finish(c.begin(), [['alice', acc('2')]]);
    c.invalidate('a:1');
    expect(c.get('alice')?.id).toBe('2');
  });
});
