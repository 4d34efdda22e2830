import { randomBytes } from 'node:crypto';
import {
  ATTEMPT_MAX_AGE_MS,
  attemptCookie,
  clientIdOf,
  deriveAttemptKey,
  newClientId,
  parseCookies,
  verifyAttempt,
} from './portal-cookies';

const key = deriveAttemptKey(randomBytes(32));
const now = 1_700_000_000_000;
const attempt = { at: now, routerId: '3f1c2a4e-1b2c-4d5e-8f90-0123456789ab', username: 'Jürgen' };
const jar = (setCookie: string) => parseCookies(setCookie.split(';')[0]);

describe('portal cookies', () => {
  it('parses a Cookie header and accepts only well-formed client ids', () => {
    const id = newClientId();
    expect(clientIdOf(parseCookies(`a=1; portal_client=${id}; b=2`))).toBe(id);
    expect(clientIdOf(parseCookies('portal_client=short'))).toBeUndefined();
    expect(clientIdOf(parseCookies(undefined))).toBeUndefined();
  });

  it('sets HttpOnly, SameSite=Lax, Path=/portal (behind the proxy prefix), Secure only on https', () => {
    const c = attemptCookie(key, attempt, { secure: true, pathPrefix: '' });
    expect(c).toMatch(/^portal_attempt=[^;]+; Path=\/portal; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    expect(attemptCookie(key, attempt, { secure: false, pathPrefix: '/hs' })).toMatch(/; Path=\/hs\/portal; .*SameSite=Lax$/);
  });

  it('round-trips a login attempt, and refuses a forged, foreign or stale one', () => {
    const c = attemptCookie(key, attempt, { secure: false, pathPrefix: '' });
    expect(verifyAttempt(key, jar(c), now + 1000)).toEqual(attempt);
    expect(verifyAttempt(deriveAttemptKey(randomBytes(32)), jar(c), now)).toBeNull();
    expect(verifyAttempt(key, jar(c.replace('SsO8', 'SsO9')), now)).toBeNull();
    expect(verifyAttempt(key, jar(c), now + ATTEMPT_MAX_AGE_MS + 1)).toBeNull();
    expect(verifyAttempt(key, {}, now)).toBeNull();
  });
});
