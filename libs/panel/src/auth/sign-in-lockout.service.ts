import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig, Clock } from '@app/aaa';
import { afterFailure, lockedAt, LOCKOUT } from './lockout-policy';
import { SignInFailure } from './sign-in-failure.entity';

/**
 * Failed sign-ins per email, in PostgreSQL so every API instance sees the same count.
 * The key is an HMAC of the normalised email under SECRET_KEY: the table does not list
 * which emails were tried, and unknown emails are counted like known ones.
 */
@Injectable()
export class SignInLockout {
  private readonly key: Buffer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.key = createHmac('sha256', config.secretKey).update('panel-sign-in-failures-v1').digest();
  }

  keyOf(email: string): string {
    return createHmac('sha256', this.key).update(email.trim().toLowerCase()).digest('base64url');
  }

  async lockedUntil(key: string): Promise<Date | null> {
    return lockedAt(await this.db.getRepository(SignInFailure).findOneBy({ key }), this.clock.now());
  }

  /** Counts one failure (row-locked, so concurrent failures all count); returns the lock it caused, if any. */
  async fail(key: string): Promise<Date | null> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO panel_sign_in_failures (key, failures, first_failure_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING`,
        [key, now],
      );
      const repo = tx.getRepository(SignInFailure);
      const before = await repo.findOne({ where: { key }, lock: { mode: 'pessimistic_write' } });
      const next = afterFailure(before && before.failures > 0 ? before : null, now);
      await repo.update({ key }, next);
      return lockedAt(next, now);
    });
  }

  async clear(key: string): Promise<void> {
    await this.db.getRepository(SignInFailure).delete({ key });
  }

  /** Rows whose window, and lock if any, are over carry nothing any more. */
  async purge(): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `DELETE FROM panel_sign_in_failures
        WHERE (locked_until IS NULL AND first_failure_at < $1) OR locked_until <= $2`,
      [new Date(now.getTime() - LOCKOUT.windowMs), now],
    );
  }
}
