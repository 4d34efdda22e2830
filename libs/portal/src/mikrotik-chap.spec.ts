import { createHash } from 'node:crypto';
import { mikrotikChapPassword, octalBytes } from './mikrotik-chap';

// The example values of the RouterOS manual ("login.html" variables).
const CHAP_ID = '\\371';
const CHAP_CHALLENGE = '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';

describe('MikroTik http-chap', () => {
  it.each([
    ['\\371', [0o371]],
    ['\\000\\377\\145', [0, 255, 0x65]],
    [CHAP_CHALLENGE, [0o357, 0o15, 0o330, 0o13, 0o21, 0o234, 0o145, 0o245, 0o303, 0o253, 0o142, 0o246, 0o133, 0o175, 0o375, 0o316]],
  ])('octalBytes(%s)', (text, bytes) => {
    expect([...octalBytes(text)!]).toEqual(bytes);
  });

  it.each(['', '371', '\\37', '\\400', '\\777', '\\371x', 'e\\371', '\\38a'])('refuses %j', (text) => {
    expect(octalBytes(text)).toBeNull();
  });

  it('is hex MD5(chap-id ‖ password ‖ challenge), the password as UTF-8', () => {
    const expected = createHash('md5')
      .update(Buffer.from([0o371]))
      .update('pässwort', 'utf8')
      .update(octalBytes(CHAP_CHALLENGE)!)
      .digest('hex');
    expect(mikrotikChapPassword(CHAP_ID, 'pässwort', CHAP_CHALLENGE)).toBe(expected);
    expect(mikrotikChapPassword('\\371\\372', 'x', CHAP_CHALLENGE)).toBeNull();
    expect(mikrotikChapPassword(CHAP_ID, 'x', 'nope')).toBeNull();
  });
});
