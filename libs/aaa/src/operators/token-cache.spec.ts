import { ActiveToken, TokenCache } from './token-cache';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const OP = '33333333-3333-4333-8333-333333333333';
const token = (tokenId: string, operatorId = OP): ActiveToken => ({
  tokenId,
  operatorId,
  operatorName: 'Ann',
  role: 'admin',
  prefix: 'rbo_abcdefgh',
  expiresAt: null,
});

function filled(): TokenCache {
  const c = new TokenCache();
  c.resume();
  c.finish(c.begin(), 'h1', token(T1));
  c.finish(c.begin(), 'h2', token(T2));
  return c;
}

describe('TokenCache', () => {
  it('keeps what a lookup read and serves it', () => {
    const c = filled();
    expect(c.get('h1')?.tokenId).toBe(T1);
    expect(c.size).toBe(2);
  });

  it.each([
    [`t:${T1}`, ['h2']],
    [`o:${OP}`, []],
    ['*', []],
    [`t:00000000-0000-4000-8000-000000000000`, ['h1', 'h2']],
  ])('a notification %s leaves %j', (payload, left) => {
    const c = filled();
    c.invalidate(payload);
    expect(['h1', 'h2'].filter((h) => c.get(h))).toEqual(left);
  });

  it('does not keep a read that raced a notification about its token or operator', () => {
    for (const payload of [`t:${T1}`, `o:${OP}`, '*']) {
      const c = new TokenCache();
      c.resume();
      const begun = c.begin();
      c.invalidate(payload); // the revocation committed while the read was in flight
      c.finish(begun, 'h1', token(T1));
      expect([payload, c.get('h1')]).toEqual([payload, undefined]);
    }
  });

  it('keeps a read when only other tokens changed meanwhile', () => {
    const c = new TokenCache();
    c.resume();
    const begun = c.begin();
    c.invalidate(`t:${T2}`);
    c.finish(begun, 'h1', token(T1));
    expect(c.get('h1')?.tokenId).toBe(T1);
  });

  it('trusts nothing while the notification channel is down, nor what was read during the gap', () => {
    const c = filled();
    const begun = c.begin();
    c.suspend();
    expect(c.get('h1')).toBeUndefined();
    c.finish(begun, 'h1', token(T1));
    c.finish(c.begin(), 'h2', token(T2));
    c.resume();
    expect([c.get('h1'), c.get('h2')]).toEqual([undefined, undefined]);
  });

  it('drops the oldest entry when full', () => {
    const c = new TokenCache(1);
    c.resume();
    c.finish(c.begin(), 'h1', token(T1));
    c.finish(c.begin(), 'h2', token(T2));
    expect([c.get('h1'), c.get('h2')?.tokenId]).toEqual([undefined, T2]);
    c.invalidate(`t:${T2}`);
    expect(c.size).toBe(0);
  });
});
