import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';
import { canonicalUsername } from '../common/username';
import { PgNotifier } from '../common/pg-notifier';
import { AAA_EVENTS, AccountChangedEvent } from '../events';
import { rawQuery } from '../common/pg-fast';
import { AccountCache } from './account-cache';
import { ACCOUNT_CHANGED_CHANNEL, AuthAccount, BY_USERNAMES_SQL, LOOKUP_SQL, Row, toAuthAccount } from './account-row';
import { AdminFailsafe } from './admin-failsafe/admin-failsafe.service';

export type { AuthAccount } from './account-row';
export { ACCOUNT_CHANGED_CHANNEL } from './account-row';

const MAX_BATCH = 256;
const MAX_CONCURRENT = 1;
const PRELOAD_PAGE = 5_000;

/**
 * Account reads for authorize: from memory when cached (account-cache.ts keeps it
 * exact through PostgreSQL notifications), otherwise batched round trips. What those
 * reads return about admins also feeds the B050 fail-safe (AdminFailsafe), which
 * answers for admins while the DB is down.
 */
@Injectable()
export class AccountLookup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AccountLookup.name);
  private readonly cache: AccountCache;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly bus: PgNotifier,
    private readonly failsafe: AdminFailsafe,
  ) {
    this.cache = new AccountCache(config.accountCacheSize);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.accountCacheSize > 0) {
      this.bus.onGap((listening) => (listening ? this.cache.resume() : this.cache.suspend()));
      await this.bus.listen(ACCOUNT_CHANGED_CHANNEL, (payload) => this.cache.invalidate(payload));
      this.cache.resume();
      void this.preload();
    }
  }

  onApplicationShutdown(): void {
    this.closed = true;
  }

  get cachedAccounts(): number {
    return this.cache.size;
  }

  isCached(key: string): boolean {
    return this.cache.get(key) !== undefined;
  }

  /**
   * By canonical key (canonicalUsername() of the User-Name); `fresh`: skip the cache,
   * for answers that must reflect the latest commit.
   */
  async byUsername(key: string, fresh = false): Promise<AuthAccount | null> {
    return (fresh ? undefined : this.cache.get(key)) ?? (await this.batchedLookup(key));
  }

  /** By id, always from PostgreSQL: for deciding what an open session should have now (live changes). */
  async byId(id: string): Promise<AuthAccount | null> {
    const rows = await rawQuery<Row>(this.db, `${LOOKUP_SQL} WHERE a.id = $1`, [id]);
    return rows[0] ? toAuthAccount(rows[0]) : null;
  }

  /**
   * Fills the cache in the background after boot, so the first login of each account
   * does not pay a round trip either. Keyset pages keep each statement small.
   */
  private async preload(): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    try {
      while (!this.closed && this.cache.enabled && this.cache.size < this.config.accountCacheSize) {
        const token = this.cache.begin();
        let rows: Row[] = [];
        try {
          rows = await rawQuery<Row>(this.db, `${LOOKUP_SQL} WHERE a.id > $1 ORDER BY a.id LIMIT ${PRELOAD_PAGE}`, [after]);
        } finally {
          this.cache.finish(
            token,
            rows.flatMap((r) => {
              const key = canonicalUsername(r.username);
              return key ? [[key, toAuthAccount(r)] as [string, AuthAccount]] : [];
            }),
          );
        }
        if (rows.length < PRELOAD_PAGE) break;
        after = rows[rows.length - 1].id as string;
      }
      this.log.log(`${this.cache.size} accounts cached for authorize`);
    } catch (err) {
      this.log.warn(`account preload stopped: ${(err as Error).message}`);
    }
  }

  private queue: { key: string; resolve: (a: AuthAccount | null) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  private batchedLookup(username: string): Promise<AuthAccount | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key: username, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_CONCURRENT || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < MAX_CONCURRENT && this.queue.length) {
        const batch = this.queue.slice(0, MAX_BATCH);
        this.queue = this.queue.slice(MAX_BATCH);
        this.inFlight++;
        void this.runBatch(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async runBatch(batch: typeof this.queue): Promise<void> {
    const token = this.cache.begin();
    const adminToken = this.failsafe.beginRead();
    const found = new Map<string, AuthAccount>();
    try {
      // Keys are canonical already; the SQL matches them against the same folding.
      const keys = [...new Set(batch.map((b) => b.key))];
      const rows = await rawQuery<Row>(this.db, BY_USERNAMES_SQL, [keys]);
      for (const r of rows) found.set(r.lookup_input as string, toAuthAccount(r));
      for (const b of batch) b.resolve(found.get(b.key) ?? null);
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.cache.finish(token, found);
      this.failsafe.finishedRead(adminToken, [...found.values()]);
    }
  }

  // Changes made through this instance apply at once here; the notification that
  // follows (and reaches the other instances) then finds nothing left to evict.
  @OnEvent(AAA_EVENTS.accountChanged)
  onAccountChanged(e: AccountChangedEvent): void {
    this.cache.invalidate(`a:${e.accountId}`);
  }

  @OnEvent(AAA_EVENTS.profileChanged)
  onProfileChanged(): void {
    this.cache.invalidate('*');
  }

  /** Of these, the cached accounts on a plan: accounting just booked their period usage. */
  forgetPlanAccounts(accountIds: Iterable<string | null>): void {
    for (const id of accountIds) if (id && this.cache.byId(id)?.planId) this.cache.invalidate(`a:${id}`);
  }

  /** Sessions this instance just opened or closed. */
  forget(accountIds: Iterable<string>): void {
    for (const id of accountIds) this.cache.invalidate(`a:${id}`);
  }

  /** The admin as last read, for when the database cannot answer. Users get nothing: fail-closed. */
  cachedAdmin(key: string): AuthAccount | null {
    return this.failsafe.cachedAdmin(key);
  }
}
