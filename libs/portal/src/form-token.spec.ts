import { randomBytes } from 'node:crypto';
import { deriveFormKey, FORM_TOKEN_MAX_AGE_MS, signForm, verifyForm } from './form-token';

describe('form token', () => {
  const key = deriveFormKey(randomBytes(32));
  const fields = { uamip: '10.0.0.1', uamport: '3990', userurl: 'http://x/', nasid: 'n1', lang: 'en' };
  const client = 'c1ient-id-0123456789ab';
  const now = 1_700_000_000_000;

  it('verifies the fields it was made for, in any key order, for the same client', () => {
    const token = signForm(key, fields, client, now);
    const reordered = { lang: 'en', nasid: 'n1', userurl: 'http://x/', uamport: '3990', uamip: '10.0.0.1' };
    expect(verifyForm(key, reordered, client, token, now + 1000)).toBe(true);
  });

  it('rejects another client, no client, changed/added/missing fields, other keys, bad format and old tokens', () => {
    const token = signForm(key, fields, client, now);
    expect(verifyForm(key, fields, 'another-client', token, now)).toBe(false);
    expect(verifyForm(key, fields, undefined, token, now)).toBe(false);
    expect(verifyForm(key, { ...fields, uamip: '10.6.6.6' }, client, token, now)).toBe(false);
    expect(verifyForm(key, { ...fields, challenge: 'ab' }, client, token, now)).toBe(false);
    const { lang: _l, ...fewer } = fields;
    void _l;
    expect(verifyForm(key, fewer, client, token, now)).toBe(false);
    expect(verifyForm(deriveFormKey(randomBytes(32)), fields, client, token, now)).toBe(false);
    expect(verifyForm(key, fields, client, undefined, now)).toBe(false);
    expect(verifyForm(key, fields, client, 'garbage', now)).toBe(false);
    expect(verifyForm(key, fields, client, token.replace(/^\d+/, String(now + 1)), now)).toBe(false);
    expect(verifyForm(key, fields, client, token, now + FORM_TOKEN_MAX_AGE_MS + 1)).toBe(false);
    expect(verifyForm(key, fields, client, signForm(key, fields, client, now + 120_000), now)).toBe(false);
  });
});
