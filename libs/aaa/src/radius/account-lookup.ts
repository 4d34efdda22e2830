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
import { AuthAccount, BY_USERNAMES_SQL, LOOKUP_SQL, Row, toAuthAccount } from './account-row';

export type { AuthAccount } from './account-row';

const REFRESH_MS = 60_000;
const MAX_BATCH = 256;
const MAX_CONCURRENT = 1;
const PRELOAD_PAGE = 5_000;
/** Triggers of migrations 1764000000000 and 1764100000000 notify here. */
export const ACCOUNT_CHANGED_CHANNEL = 'aaa_account_changed';

/**
 * Account reads for authorize: from memory when cached (account-cache.ts keeps it
 * exact through PostgreSQL notifications), otherwise batched round trips. Plus the
 * B050 fail-safe: a periodically refreshed copy of admin accounts that keeps admins
 * logging in while the DB is down.
 */
@Injectable()
export class AccountLookup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AccountLookup.name);
  private readonly cache: AccountCache;
  private admins = new Map<string, AuthAccount>();
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly bus: PgNotifier,
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
    if (!this.config.adminFailsafe) return;
    void this.refreshAdmins();
    this.timer = setInterval(() => void this.refreshAdmins(), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    clearInterval(this.timer);
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
    const account = (fresh ? undefined : this.cache.get(key)) ?? (await this.batchedLookup(key));
    if (account?.group === 'admin' && this.config.adminFailsafe) this.admins.set(key, account);
    return account;
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

  /** Sessions this instance just opened or closed. */
  forget(accountIds: Iterable<string>): void {
    for (const id of accountIds) this.cache.invalidate(`a:${id}`);
  }

  /** The cached admin, for when the database cannot answer. Users get nothing: fail-closed. */
  cachedAdmin(key: string): AuthAccount | null {
    if (!this.config.adminFailsafe) return null;
    const a = this.admins.get(key);
    return a ? { ...a, openSessions: [] } : null;
  }

  private async refreshAdmins(): Promise<void> {
    try {
      const rows: Row[] = await this.db.query(`${LOOKUP_SQL} WHERE a.account_group = 'admin'`);
      const admins = new Map<string, AuthAccount>();
      for (const r of rows) {
        const key = canonicalUsername(r.username);
        if (key) admins.set(key, toAuthAccount(r));
      }
      this.admins = admins;
    } catch (err) {
      this.log.warn(`admin fail-safe cache not refreshed: ${(err as Error).message}`);
    }
  }
}
