import { hashPassword, parseHash, SCRYPT_DEFAULTS, verifyPassword } from './password-hash';

// Cheap parameters keep the unit test fast; the format and the check are the same.
const FAST = { ln: 10, r: 8, p: 1 };

describe('panel password hashes (scrypt)', () => {
  it('defaults to OWASP’s scrypt minimum: N = 2^17, r = 8, p = 1', () => {
    expect(SCRYPT_DEFAULTS).toEqual({ ln: 17, r: 8, p: 1 });
  });

  it('verifies the password it hashed and nothing else', async () => {
    const h = await hashPassword('correct horse', FAST);
    expect(h).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    await expect(verifyPassword('correct horse', h)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', h)).resolves.toBe(false);
    await expect(verifyPassword('', h)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', FAST)).not.toBe(await hashPassword('same', FAST));
  });

  it('treats composed and decomposed forms of one password as the same (NFC)', async () => {
    const h = await hashPassword('Gr\u00fc\u00dfe', FAST);
    await expect(verifyPassword('Gru\u0308\u00dfe', h)).resolves.toBe(true);
  });

  it.each([
    ['not a hash', 'plaintext'],
    ['another scheme', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['a cost far above the bounds', '$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['a cost below them', '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
  ])('refuses %s without throwing', async (_, encoded) => {
    expect(parseHash(encoded)).toBeNull();
    await expect(verifyPassword('x', encoded)).resolves.toBe(false);
  });
});
