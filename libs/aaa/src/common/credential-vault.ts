import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { md4 } from 'hash-wasm';
import { AppConfig } from './app-config';

const VERSION = 'v1';

/**
 * Reversible encryption for credentials FreeRADIUS needs back in cleartext
 * (CHAP and MS-CHAP cannot work from a one-way hash). AES-256-GCM, random IV,
 * authenticated, so a tampered column fails loudly instead of yielding garbage.
 */
@Injectable()
export class CredentialVault {
  constructor(private readonly config: AppConfig) {}

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.config.secretKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION) throw new Error(`unknown vault format ${version}`);
    const decipher = createDecipheriv('aes-256-gcm', this.config.secretKey, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  /** NT hash = MD4(UTF-16LE(password)); Node's OpenSSL 3 has no MD4, hence hash-wasm. */
  ntHash(password: string): Promise<string> {
    return md4(Buffer.from(password, 'utf16le'));
  }
}
