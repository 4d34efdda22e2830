import { canonicalUsername } from '../../common/username';
import type { AuthAccount } from '../account-row';

/** Which accounts a read covered: all admins, these ids, or only the rows it returned. */
export type ReadScope = 'all-admins' | 'rows' | readonly string[];

/**
 * The API's own copy of the admin accounts, for deciding admins while PostgreSQL is
 * down (B050). Kept exact the way account-cache.ts is: a change notice drops or marks
 * the account at once, and a read that was already in flight when a notice about an
 * account arrived does not store that account (it may predate the change; the owner
 * reads it again).
 */
export class AdminCopy {
  private readonly byId = new Map<string, AuthAccount>();
  private readonly idByName = new Map<string, string>();
  /** Latest notice per account id, kept only while reads are in flight. */
  private readonly noticedAt = new Map<string, number>();
  private seq = 0;
  private inFlight = 0;

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(username: string): AuthAccount | undefined {
    const key = canonicalUsername(username);
    const id = key === null ? undefined : this.idByName.get(key);
    return id === undefined ? undefined : this.byId.get(id);
  }

  values(): IterableIterator<AuthAccount> {
    return this.byId.values();
  }

  /** Call before reading from the database; pass the token to `finish`. */
  begin(): number {
    this.inFlight++;
    return this.seq;
  }

  /**
   * Applies what a read begun at `token` returned: admins are stored, accounts that are
   * no longer admins dropped, and within `scope` an account the read did not return is
   * gone (deleted, or not an admin any more). Returns true if the copy changed.
   */
  finish(token: number, rows: AuthAccount[], scope: ReadScope): boolean {
    let changed = false;
    const fresh = (id: string) => (this.noticedAt.get(id) ?? 0) <= token;
    const returned = new Set<string>();
    for (const a of rows) {
      returned.add(a.id);
      if (!fresh(a.id)) continue;
      changed = (a.group === 'admin' ? this.put(a) : this.drop(a.id)) || changed;
    }
    const gone = scope === 'all-admins' ? [...this.byId.keys()] : scope === 'rows' ? [] : scope;
    for (const id of gone) if (!returned.has(id) && fresh(id)) changed = this.drop(id) || changed;
    if (--this.inFlight === 0) this.noticedAt.clear();
    return changed;
  }

  /** A change to account `id`; `drop` removes it at once (its decision may have changed). */
  notice(id: string, drop: boolean): boolean {
    this.seq++;
    if (this.inFlight > 0) this.noticedAt.set(id, this.seq);
    return drop && this.drop(id);
  }

  private put(a: AuthAccount): boolean {
    const before = this.byId.get(a.id);
    if (before && sameAccount(before, a)) return false;
    if (before) this.idByName.delete(nameKey(before));
    this.byId.set(a.id, a);
    this.idByName.set(nameKey(a), a.id);
    return true;
  }

  private drop(id: string): boolean {
    const before = this.byId.get(id);
    if (!before) return false;
    this.byId.delete(id);
    if (this.idByName.get(nameKey(before)) === id) this.idByName.delete(nameKey(before));
    return true;
  }
}

/** A stored name that is not canonical (a row from before the rule) can never be asked for: it keys nothing reachable. */
function nameKey(a: AuthAccount): string {
  return canonicalUsername(a.username) ?? `\0${a.id}`;
}

function sameAccount(x: AuthAccount, y: AuthAccount): boolean {
  const plain = (a: AuthAccount) => JSON.stringify({ ...a, openSessions: [] });
  return plain(x) === plain(y);
}
