import { randomBytes } from 'node:crypto';
import { deriveFormKey, FORM_TOKEN_MAX_AGE_MS, signForm, verifyForm } from './form-token';

describe('form token', () => {
  const key = deriveFormKey(randomBytes(32));
  const fields = { uamip: '10.0.0.1', uamport: '3990', userurl: 'http://x/', nasid: 'n1', lang: 'en' };
  const now = 1_700_000_000_000;

  it('verifies the fields it was made for, in any key order', () => {
    const token = signForm(key, fields, now);
    expect(verifyForm(key, { lang: 'en', nasid: 'n1', userurl: 'http://x/', uamport: '3990', uamip: '10.0.0.1' }, token, now + 1000)).toBe(
      true,
    );
  });

  it('rejects changed, added or missing fields, other keys, bad format and old tokens', () => {
    const token = signForm(key, fields, now);
    expect(verifyForm(key, { ...fields, uamip: '10.6.6.6' }, token, now)).toBe(false);
    expect(verifyForm(key, { ...fields, challenge: 'ab' }, token, now)).toBe(false);
    const { lang: _l, ...fewer } = fields;
    void _l;
    expect(verifyForm(key, fewer, token, now)).toBe(false);
    expect(verifyForm(deriveFormKey(randomBytes(32)), fields, token, now)).toBe(false);
    expect(verifyForm(key, fields, undefined, now)).toBe(false);
    expect(verifyForm(key, fields, 'garbage', now)).toBe(false);
    expect(verifyForm(key, fields, token.replace(/^\d+/, String(now + 1)), now)).toBe(false);
    expect(verifyForm(key, fields, token, now + FORM_TOKEN_MAX_AGE_MS + 1)).toBe(false);
    expect(verifyForm(key, fields, signForm(key, fields, now + 120_000), now)).toBe(false);
  });
});
