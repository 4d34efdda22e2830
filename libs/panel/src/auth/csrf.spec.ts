import { deriveCsrfKey, preToken, sessionToken, verifyPreToken, verifySessionToken } from './csrf';

const key = deriveCsrfKey(Buffer.alloc(32, 7));
const other = deriveCsrfKey(Buffer.alloc(32, 8));
const NOW = 1_780_000_000_000;

describe('panel CSRF tokens', () => {
  it('a session token belongs to its session and key', () => {
    const t = sessionToken(key, 'abc');
    expect(verifySessionToken(key, 'abc', t)).toBe(true);
    expect(verifySessionToken(key, 'abd', t)).toBe(false);
    expect(verifySessionToken(other, 'abc', t)).toBe(false);
    expect(verifySessionToken(key, 'abc', undefined)).toBe(false);
    expect(verifySessionToken(key, 'abc', t.slice(1))).toBe(false);
  });

  it.each([
    ['its own browser, now', 'pre-a', (t: string) => t, NOW, true],
    ['its own browser, 59 minutes later', 'pre-a', (t: string) => t, NOW + 59 * 60_000, true],
    ['after an hour', 'pre-a', (t: string) => t, NOW + 61 * 60_000, false],
    ['from the future', 'pre-a', (t: string) => t, NOW - 2 * 60_000, false],
    ['another browser (login CSRF)', 'pre-b', (t: string) => t, NOW, false],
    ['no pre cookie', undefined, (t: string) => t, NOW, false],
    ['a re-dated token', 'pre-a', (t: string) => t.replace(/^\d+/, String(NOW + 1)), NOW, false],
    ['garbage', 'pre-a', () => 'x.y', NOW, false],
  ])('a pre-session token in %s → %s', (_, preId, mangle, now, expected) => {
    expect(verifyPreToken(key, preId, mangle(preToken(key, 'pre-a', NOW)), now)).toBe(expected);
  });
});
