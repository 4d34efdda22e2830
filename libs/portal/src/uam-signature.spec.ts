import { createHash } from 'node:crypto';
import { chapChallenge, chapResponse, computeMd, signedQueryCandidates, verifyMd } from './uam-signature';

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

describe('md over what the browser sent (uspot portal.uc writes mac/called/nasid/ssid raw)', () => {
  const base = 'https://portal.example.org/portal/';
  const secret = 'uam-secret-1';
  /** What uspot signed, what arrived after the browser re-encoded it. */
  const cases: [string, string, string][] = [
    ['space in a raw ssid', 'res=notyet&nasid=n1&ssid=Cafe WiFi', 'res=notyet&nasid=n1&ssid=Cafe%20WiFi'],
    [
      "' left raw in userurl by lucihttp",
      "res=notyet&userurl=http%3A%2F%2Fx%2F%3Fq%3D'a'",
      'res=notyet&userurl=http%3A%2F%2Fx%2F%3Fq%3D%27a%27',
    ],
    ['UTF-8 and quotes in a raw ssid', 'ssid=Caf\u00c3\u00a9 "A<B>"', 'ssid=Caf%C3%A9%20%22A%3CB%3E%22'],
    ['a raw & inside the ssid', 'ssid=A&B C&sessionid=1', 'ssid=A&B%20C&sessionid=1'],
    [
      'nasid with spaces and userurl with encoded spaces',
      'nasid=Cafe Bar&userurl=http%3A%2F%2Fx%2F%20y',
      'nasid=Cafe%20Bar&userurl=http%3A%2F%2Fx%2F%20y',
    ],
  ];

  it.each(cases)('%s verifies', (_, signed, arrived) => {
    const md = computeMd(Buffer.concat([Buffer.from(`${base}?`), Buffer.from(signed, 'latin1')]), secret);
    expect(signedQueryCandidates(arrived)).toContain(signed);
    expect(verifyMd(base, `${arrived}&md=${md}`, secret)).toBe(true);
  });

  it.each([
    ['a space swapped for +', 'ssid=Cafe WiFi', 'ssid=Cafe+WiFi'],
    ['an encoded space in userurl decoded', 'userurl=http%3A%2F%2Fx%2F%20y', 'userurl=http%3A%2F%2Fx%2F y'],
    ['a different character', 'ssid=Cafe WiFi', 'ssid=Cafe%21WiFi'],
    ['a %22 in userurl (lucihttp encodes ")', 'userurl=a%22b', 'userurl=a"b'],
  ])('%s does not', (_, signed, arrived) => {
    const md = computeMd(`${base}?${signed}`, secret);
    expect(verifyMd(base, `${arrived}&md=${md}`, secret)).toBe(false);
  });

  it('leaves a query nothing was re-encoded in as the only candidate', () => {
    expect(signedQueryCandidates('res=notyet&mac=aa%3Abb')).toEqual(['res=notyet&mac=aa%3Abb']);
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
