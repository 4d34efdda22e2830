import { Injectable } from '@nestjs/common';
import { hashPassword, SCRYPT_DEFAULTS, ScryptParams, verifyPassword } from './password-hash';

/**
 * The one place panel passwords are hashed and checked. At most two hashes run at once
 * (each takes 128 MiB and a core for a third of a second), so a burst of sign-ins, even
 * from many addresses, queues instead of exhausting memory or starving the RADIUS path.
 */
@Injectable()
export class PasswordHasher {
  /** Tests may lower this; production keeps SCRYPT_DEFAULTS. */
  params: ScryptParams = SCRYPT_DEFAULTS;
  private readonly maxConcurrent = 2;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return this.gated(() => hashPassword(password, this.params));
  }

  verify(password: string, encoded: string): Promise<boolean> {
    return this.gated(() => verifyPassword(password, encoded));
  }

  /**
   * The same work as a real check, for an email without a password: an unknown email
   * and a wrong password take as long as each other.
   */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('no password is ever this one');
    await this.verify(password, await this.dummy);
    return false;
  }

  private async gated<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
