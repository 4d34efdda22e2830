#!/usr/bin/env node
// Builds a NAS-style MS-CHAPv2 Access-Request (RFC 2759) as radclient attribute lines.
// Run with --openssl-legacy-provider: MD4 and DES live in OpenSSL 3's legacy provider.
const { createHash, createCipheriv, randomBytes } = require('node:crypto');

const [username, password] = process.argv.slice(2);
const authChallenge = randomBytes(16);
const peerChallenge = randomBytes(16);
const challengeHash = createHash('sha1')
  .update(Buffer.concat([peerChallenge, authChallenge, Buffer.from(username, 'utf8')]))
  .digest()
  .subarray(0, 8);
const passwordHash = createHash('md4').update(Buffer.from(password, 'utf16le')).digest();

// Spread 7 key bytes over 8 DES key bytes (parity bits ignored).
function desKey(seven) {
  const k = Buffer.alloc(8);
  k[0] = seven[0];
  k[1] = ((seven[0] << 7) | (seven[1] >> 1)) & 0xff;
  k[2] = ((seven[1] << 6) | (seven[2] >> 2)) & 0xff;
  k[3] = ((seven[2] << 5) | (seven[3] >> 3)) & 0xff;
  k[4] = ((seven[3] << 4) | (seven[4] >> 4)) & 0xff;
  k[5] = ((seven[4] << 3) | (seven[5] >> 5)) & 0xff;
  k[6] = ((seven[5] << 2) | (seven[6] >> 6)) & 0xff;
  k[7] = (seven[6] << 1) & 0xff;
  return k;
}
const z = Buffer.concat([passwordHash, Buffer.alloc(5)]);
const ntResponse = Buffer.concat(
  [0, 7, 14].map((i) => {
    const c = createCipheriv('des-ecb', desKey(z.subarray(i, i + 7)), null);
    c.setAutoPadding(false);
    return c.update(challengeHash);
  }),
);
const response = Buffer.concat([Buffer.from([0x01, 0x00]), peerChallenge, Buffer.alloc(8), ntResponse]);
process.stdout.write(`MS-CHAP-Challenge = 0x${authChallenge.toString('hex')}\nMS-CHAP2-Response = 0x${response.toString('hex')}\n`);
