import { diffFields, isSecretField, redact, REDACTED, scrub } from './audit-diff';

describe('isSecretField', () => {
  it.each([
    ['password', true],
    ['passwordEnc', true],
    ['radiusSecret', true],
    ['uamSecretEnc', true],
    ['token', true],
    ['tokenHash', true],
    ['ntHash', true],
    ['code', true],
    ['codes', true],
    ['voucherCode', true],
    ['apiKey', true],
    ['secretKey', true],
    ['key', true],
    ['tokenPrefix', false],
    ['tokenId', false],
    ['hasUamSecret', false],
    ['username', false],
    ['status', false],
    ['nasIdentifier', false],
    ['monkey', false],
  ])('%s → %s', (name, secret) => expect(isSecretField(name)).toBe(secret));
});

describe('redact', () => {
  it('replaces secrets at any depth and makes values JSON-safe', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(
      redact({ a: 1, password: 'pw', nested: { list: [{ radiusSecret: 's', ok: 'x' }] }, at, big: BigInt(5), gone: undefined }),
    ).toEqual({
      a: 1,
      password: REDACTED,
      nested: { list: [{ radiusSecret: REDACTED, ok: 'x' }] },
      at: at.toISOString(),
      big: '5',
      gone: null,
    });
  });

  it('removes operator tokens and known secrets from any string', () => {
    expect(
      redact({ notes: 'use rbo_AbCdEfGh12345678xyzABCDEFGHIJ please, not rbo_AbCdEfGh', name: 'has admin-token-0123456789 inside' }, [
        'admin-token-0123456789',
      ]),
    ).toEqual({
      notes: `use ${REDACTED} please, not rbo_AbCdEfGh`,
      name: `has ${REDACTED} inside`,
    });
    expect(scrub('short secrets are not searched: abc', ['abc'])).toBe('short secrets are not searched: abc');
  });
});

describe('diffFields', () => {
  const before = { id: 'x', name: 'a', status: 'active', restrictions: ['unpaid'], updatedAt: new Date(1), uamSecret: 'old' };
  const table: [string, object | null, object | null, string[], object][] = [
    [
      'an update: only what changed',
      before,
      { ...before, status: 'banned', updatedAt: new Date(2) },
      [],
      { status: { from: 'active', to: 'banned' } },
    ],
    ['arrays compared by value', before, { ...before, restrictions: [] }, [], { restrictions: { from: ['unpaid'], to: [] } }],
    ['a create: every field from null', null, { id: 'x', name: 'a' }, [], { name: { from: null, to: 'a' } }],
    ['a delete: every field to null', { id: 'x', name: 'a' }, null, [], { name: { from: 'a', to: null } }],
    ['a secret that changed', before, { ...before, uamSecret: 'new' }, [], { uamSecret: { from: REDACTED, to: REDACTED } }],
    ['a secret removed', before, { ...before, uamSecret: null }, [], { uamSecret: { from: REDACTED, to: null } }],
    ['a secret no view shows', before, before, ['password'], { password: { from: REDACTED, to: REDACTED } }],
  ];
  it.each(table)('%s', (_, b, a, secrets, expected) => expect(diffFields(b, a, secrets)).toEqual(expected));
});
