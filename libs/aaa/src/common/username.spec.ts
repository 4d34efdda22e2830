import { USERNAME_CASES } from '../../../../test/support/username-cases';
import { canonicalUsername } from './username';

describe('canonicalUsername', () => {
  it.each(USERNAME_CASES)('%s', (_, input, canonical) => {
    expect(canonicalUsername(input)).toBe(canonical);
  });

  it.each([[undefined], [null], [42], [['eve']]])('refuses a non-string %j', (value) => {
    expect(canonicalUsername(value)).toBeNull();
  });

  it('is idempotent: a canonical name is its own canonical form', () => {
    for (const [, input] of USERNAME_CASES) {
      const c = canonicalUsername(input);
      if (c !== null) expect(canonicalUsername(c)).toBe(c);
    }
  });
});
