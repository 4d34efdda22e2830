import type { AuthAccount } from './account-row';

/**
 * Accounts kept in memory for authorize, by canonical username key (common/username.ts
 * decides which account a name means), kept exact by the
 * `aaa_account_changed` notifications of migration 1764000000000.
 *
 * The race it has to get right: a lookup reads an account, the account changes and
 * its notification arrives, and only then does the lookup's (now stale) result come
 * back. So every lookup notes the notification sequence number when it starts, and
 * its result is stored only if no notification about that account (or about all of
 * them) arrived since. A notification that arrives after the store simply evicts.
 *
 * Without the notification channel nothing is trusted: the owner calls `suspend()`
 * when the listening connection drops and `resume()` once it listens again.
 */
export class AccountCache {
  private readonly byKey = new Map<string, AuthAccount>();
  private readonly keysById = new Map<string, string[]>();
  /** Latest notification sequence per account id, kept only while lookups are in flight. */
  private readonly changedAt = new Map<string, number>();
  private seq = 0;
  private flushedAt = 0;
  private inFlight = 0;
  private active = false;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.byKey.size;
  }

  get enabled(): boolean {
    return this.active && this.capacity > 0;
  }

  get(key: string): AuthAccount | undefined {
    return this.active ? this.byKey.get(key) : undefined;
  }

  byId(id: string): AuthAccount | undefined {
    const key = this.keysById.get(id)?.[0];
    return key === undefined ? undefined : this.byKey.get(key);
  }

  /** Call before reading from the database; pass the token to `finish`. */
  begin(): number {
    this.inFlight++;
    return this.seq;
  }

  /** Stores what a lookup begun at `token` read, unless it may be stale by now. */
  finish(token: number, found: Iterable<[key: string, account: AuthAccount]>): void {
    if (this.enabled && this.flushedAt <= token) {
      for (const [key, a] of found) {
        if ((this.changedAt.get(a.id) ?? 0) <= token) this.store(key, a);
      }
    }
    if (--this.inFlight === 0) this.changedAt.clear();
  }

  /** A notification payload: `a:<account id>` or `*`. */
  invalidate(payload: string): void {
    this.seq++;
    if (payload.startsWith('a:') || payload.startsWith('s:')) {
      // `a:<id>`, `a:<id>:<user>`, `s:<id>\t<device>\t<user>` (the rest is for FreeRADIUS's answer cache).
      const id = payload.slice(2).split(/[:\t]/, 1)[0];
      if (this.inFlight > 0) this.changedAt.set(id, this.seq);
      this.evict(id);
    } else {
      this.flush();
    }
  }

  suspend(): void {
    this.active = false;
    this.flush();
  }

  resume(): void {
    this.flush();
    this.active = true;
  }

  private flush(): void {
    this.seq++;
    this.flushedAt = this.seq;
    this.byKey.clear();
    this.keysById.clear();
  }

  private evict(id: string): void {
    for (const key of this.keysById.get(id) ?? []) this.byKey.delete(key);
    this.keysById.delete(id);
  }

  private store(key: string, a: AuthAccount): void {
    const previous = this.byKey.get(key);
    if (previous) this.evict(previous.id);
    if (this.byKey.size >= this.capacity) {
      // Oldest insertion first: cheap, and a busy account is simply read again.
      this.evict(this.byKey.values().next().value!.id);
    }
    // Other spellings of the same name keep pointing at the same (identical) row.
    const keys = (this.keysById.get(a.id) ?? []).filter((k) => k !== key && this.byKey.get(k)?.id === a.id);
    for (const k of keys) this.byKey.set(k, a);
    this.byKey.set(key, a);
    this.keysById.set(a.id, [...keys, key]);
  }
}
