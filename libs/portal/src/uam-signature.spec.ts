import { createHash } from 'node:crypto';
import { chapChallenge, chapResponse, computeMd, verifyMd } from './uam-signature';

const md5hex = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

describe('md signature', () => {
  const base = 'https://portal.example.org/portal/';
  const query = 'res=notyet&uamip=10.0.0.1&uamport=3990&challenge=00&mac=aa%3Abb&nasid=n1&userurl=http%3A%2F%2Fx%2F';
  const secret = 'uam-secret-1';
  const md = md5hex(`${base}?${query}${secret}`).toUpperCase();

  it('computes uppercase hex MD5 over the URL up to &md= plus the secret', () => {
    expect(computeMd(`${base}?${query}`, secret)).toBe(md);
  });

  it('accepts a good md (either case)', () => {
    expect(verifyMd(base, `${query}&md=${md}`, secret)).toBe(true);
    expect(verifyMd(base, `${query}&md=${md.toLowerCase()}`, secret)).toBe(true);
  });

  it('rejects tampered query, base, secret, missing md and trailing params', () => {
    expect(verifyMd(base, `${query.replace('10.0.0.1', '10.0.0.2')}&md=${md}`, secret)).toBe(false);
    expect(verifyMd('https://other/portal/', `${query}&md=${md}`, secret)).toBe(false);
    expect(verifyMd(base, `${query}&md=${md}`, 'other-secret')).toBe(false);
    expect(verifyMd(base, query, secret)).toBe(false);
    expect(verifyMd(base, `${query}&md=`, secret)).toBe(false);
    expect(verifyMd(base, `${query}&md=${md}&uamip=8.8.8.8`, secret)).toBe(false);
  });
});

describe('CHAP response (uspot handler-uam.uc / Coova hotspotlogin.cgi)', () => {
  const challenge = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

  it('without a uam_secret uses the challenge bytes as they are', () => {
    const expected = md5hex(Buffer.concat([Buffer.from([0]), Buffer.from('pässword'), Buffer.from(challenge, 'hex')]));
    expect(chapChallenge(challenge).toString('hex')).toBe(challenge);
    expect(chapResponse('pässword', challenge)).toBe(expected);
  });

  it('with a uam_secret hashes the challenge with it first: MD5(challenge bytes ‖ secret)', () => {
    const chal = createHash('md5').update(Buffer.from(challenge, 'hex')).update('s3cret').digest();
    const expected = md5hex(Buffer.concat([Buffer.from([0]), Buffer.from('pw'), chal]));
    expect(chapChallenge(challenge, 's3cret')).toEqual(chal);
    expect(chapResponse('pw', challenge, 's3cret')).toBe(expected);
    expect(chapResponse('pw', challenge, 's3cret')).not.toBe(chapResponse('pw', challenge));
  });
});
