import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../common/app-config';
import { Clock } from '../../common/clock';
import { CredentialVault } from '../../common/credential-vault';
import { PgNotifier } from '../../common/pg-notifier';
import { rawQuery } from '../../common/pg-fast';
import { AAA_EVENTS, AccountChangedEvent } from '../../events';
import { ACCOUNT_CHANGED_CHANNEL, AuthAccount, LOOKUP_SQL, Row, toAuthAccount } from '../account-row';
import { AnswerCacheControl } from '../answer-cache/answer-cache-control.service';
import { adminEntry, decisionLines, renderAdminSnapshot, SnapshotEntry } from '../snapshot/admin-snapshot';
import { readPrivateFile, SNAPSHOT_DIR, writePrivateFileAtomic } from '../snapshot/private-file';
import { AdminCopy, ReadScope } from './admin-copy';

export const ADMIN_SNAPSHOT_FILE = 'admins';
/** Backstop for what no notification announces (admins inserted elsewhere) and for expiry passing. */
const REFRESH_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The admin fail-safe (B050: admins fail safe, users fail closed), on the API's side:
 *
 * - a copy of every admin account (`AdminCopy`), which authorize decides from when
 *   PostgreSQL cannot answer;
 * - the snapshot FreeRADIUS loads at start (`DATA_DIR/radius-snapshot/admins`, hashes
 *   only, see snapshot/admin-snapshot.ts), rewritten whenever an admin's entry changes.
 *
 * Both follow every change that can alter an admin's decision, from any instance or
 * plain SQL: a notification naming the account (`a:<id>:<user>`: a column a decision
 * reads) drops it from the copy at once and reads it again; one without a name
 * (`a:<id>`: usage on a quota, a session) only reads it again, so an admin on a quota
 * keeps the fail-safe through every Interim-Update. FreeRADIUS's in-memory copies are
 * evicted by AnswerCacheControl on the same notification, and once more for every
 * admin whose snapshot line changed, after the file is written: a FreeRADIUS that
 * restarts in between then loads the new file or gets the eviction.
 */
@Injectable()
export class AdminFailsafe implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AdminFailsafe.name);
  private readonly copy = new AdminCopy();
  /** Decision lines of the snapshot on disk; what FreeRADIUS may have loaded. */
  private written = new Map<string, string>();
  private writtenText: string | null = null;
  /** The copy has been read in full once: only then may a snapshot replace the last one. */
  private complete = false;
  private refreshDue = false;
  private renderDue = false;
  private readonly rereads = new Set<string>();
  private worker?: Promise<void>;
  private readonly credentials = new WeakMap<AuthAccount, string | undefined>();
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly bus: PgNotifier,
    private readonly vault: CredentialVault,
    private readonly clock: Clock,
    private readonly answerCache: AnswerCacheControl,
  ) {}

  private get dir(): string {
    return join(this.config.dataDir, SNAPSHOT_DIR);
  }

  async onApplicationBootstrap(): Promise<void> {
    const previous = await readPrivateFile(this.dir, ADMIN_SNAPSHOT_FILE).catch((err: Error) => {
      this.log.warn(`admin snapshot unreadable (${err.message}); rewriting it`);
      return null;
    });
    this.written = decisionLines(previous ?? '');
    this.writtenText = previous;
    if (!this.config.adminFailsafe) {
      // Nobody keeps it current from now on: leave FreeRADIUS nothing stale to load.
      this.complete = true;
      this.renderDue = true;
      this.kick();
      return;
    }
    // Reconnected: notifications in between are lost, so read everything again.
    this.bus.onGap((listening) => listening && this.refresh());
    await this.bus.listen(ACCOUNT_CHANGED_CHANNEL, (payload) => this.onNotification(payload));
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.worker;
  }

  /** Resolves once every change heard so far is in the copy and the snapshot. */
  async settled(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** The admin as last read, for deciding while the database cannot answer. Users get nothing. */
  cachedAdmin(username: string): AuthAccount | null {
    if (!this.config.adminFailsafe) return null;
    const a = this.copy.get(username);
    return a ? { ...a, openSessions: [] } : null;
  }

  /** For AccountLookup: call before a database read, and `finished` with what it returned. */
  beginRead(): number {
    return this.copy.begin();
  }

  finishedRead(token: number, rows: AuthAccount[]): void {
    if (this.copy.finish(token, rows, 'rows')) this.changed();
  }

  /** Changes made through this instance apply before its HTTP answer; the notification follows. */
  @OnEvent(AAA_EVENTS.accountChanged)
  onAccountChanged(e: AccountChangedEvent): void {
    this.onNotification(`a:${e.accountId}:${e.username}`);
  }

  @OnEvent(AAA_EVENTS.profileChanged)
  onProfileChanged(): void {
    this.refresh();
  }

  private onNotification(payload: string): void {
    if (!this.config.adminFailsafe) return;
    if (payload === '*') return this.refresh();
    const m = /^a:([^:]+)(:.*)?$/.exec(payload);
    if (!m) return;
    const [, id, named] = m;
    if (!UUID.test(id)) return;
    // Unnamed: usage or sessions, which the fail-safe does not drop an admin for.
    if (!named && !this.copy.has(id)) return;
    if (this.copy.notice(id, named !== undefined)) this.changed();
    this.rereads.add(id);
    this.kick();
  }

  private refresh(): void {
    this.refreshDue = true;
    this.kick();
  }

  private changed(): void {
    this.renderDue = true;
    this.kick();
  }

  /** One worker: reads, then renders; never two writes of the file at once. */
  private kick(): void {
    if (this.worker || this.closed) return;
    this.worker = this.work()
      .catch((err: Error) => this.log.error(`admin fail-safe: ${err.message}`))
      .finally(() => {
        this.worker = undefined;
        if (this.refreshDue || this.rereads.size || (this.renderDue && this.complete)) this.kick();
      });
  }

  private async work(): Promise<void> {
    while (!this.closed) {
      if (this.refreshDue) {
        this.refreshDue = false;
        if (await this.read(`${LOOKUP_SQL} WHERE a.account_group = 'admin'`, [], 'all-admins')) {
          this.complete = true;
          // Decisions move with the clock (expiry) too.
          this.renderDue = true;
        }
      } else if (this.rereads.size) {
        const ids = [...this.rereads];
        this.rereads.clear();
        await this.read(`${LOOKUP_SQL} WHERE a.id = ANY($1::uuid[])`, [ids], ids);
      } else if (this.renderDue && this.complete) {
        this.renderDue = false;
        await this.render();
      } else {
        return;
      }
    }
  }

  private async read(sql: string, params: unknown[], scope: ReadScope): Promise<boolean> {
    const token = this.copy.begin();
    let rows: AuthAccount[] = [];
    let ok = false;
    try {
      rows = (await rawQuery<Row>(this.db, sql, params)).map(toAuthAccount);
      ok = true;
    } catch (err) {
      // The database is away: keep what we have (that is the point); the reconnect reads again.
      this.log.warn(`admin fail-safe copy not refreshed: ${(err as Error).message}`);
    }
    if (this.copy.finish(token, rows, ok ? scope : 'rows')) this.renderDue = true;
    return ok;
  }

  private async render(): Promise<void> {
    const now = this.clock.now();
    const entries: SnapshotEntry[] = [];
    for (const account of this.copy.values()) {
      const entry = adminEntry({
        account,
        cleartext: this.cleartextOf(account),
        now,
        interimInterval: this.config.acctInterimInterval,
        saltKey: this.config.secretKey,
      });
      if (entry) entries.push(entry);
    }
    const text = renderAdminSnapshot(entries);
    if (text === this.writtenText) return;
    await writePrivateFileAtomic(this.dir, ADMIN_SNAPSHOT_FILE, text);
    const lines = decisionLines(text);
    // After the write: a FreeRADIUS (re)starting from now on loads the new lines.
    const stale = [...this.written].filter(([name, line]) => lines.get(name) !== line).map(([name]) => name);
    this.written = lines;
    this.writtenText = text;
    if (stale.length) this.answerCache.evict(stale);
  }

  private cleartextOf(account: AuthAccount): string | undefined {
    if (this.credentials.has(account)) return this.credentials.get(account);
    let clear: string | undefined;
    try {
      clear = this.vault.decrypt(account.passwordEnc);
    } catch (err) {
      this.log.warn(`admin ${account.id} left out of the fail-safe snapshot: ${(err as Error).message}`);
    }
    this.credentials.set(account, clear);
    return clear;
  }
}
