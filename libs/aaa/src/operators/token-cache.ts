import type { OperatorRole } from './roles';

/** A personal token that was valid when read: who it belongs to and until when. */
export interface ActiveToken {
  tokenId: string;
  operatorId: string;
  operatorName: string;
  role: OperatorRole;
  prefix: string;
  expiresAt: Date | null;
}

/**
 * Personal tokens the guard has seen, by SHA-256 of the token, kept exact by the
 * `aaa_operator_changed` notifications (`t:<token id>` when a token is revoked, expires
 * or is deleted; `o:<operator id>` when its operator changes or goes). The race is the
 * account cache's: a lookup that read a token before its revocation was committed must
 * not store it afterwards. So every lookup notes the notification sequence when it
 * starts, and its result is kept only if nothing about that token or operator (nor a
 * flush) arrived since. Without the notification channel nothing is trusted: the owner
 * calls `suspend()` when it drops and `resume()` once it listens again.
 */
export class TokenCache {
  private readonly byHash = new Map<string, ActiveToken>();
  private readonly hashesByKey = new Map<string, Set<string>>();
  private readonly changedAt = new Map<string, number>();
  private seq = 0;
  private flushedAt = 0;
  private inFlight = 0;
  private active = false;

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.byHash.size;
  }

  get(hash: string): ActiveToken | undefined {
    return this.active ? this.byHash.get(hash) : undefined;
  }

  /** Call before reading from the database; pass the result to `finish`. */
  begin(): number {
    this.inFlight++;
    return this.seq;
  }

  /** Keeps what a lookup begun at `token` read, unless a notification may have made it stale. */
  finish(token: number, hash: string, found: ActiveToken | null): void {
    const fresh =
      this.active &&
      this.flushedAt <= token &&
      (this.changedAt.get(`t:${found?.tokenId}`) ?? 0) <= token &&
      (this.changedAt.get(`o:${found?.operatorId}`) ?? 0) <= token;
    if (found && fresh) this.store(hash, found);
    if (--this.inFlight === 0) this.changedAt.clear();
  }

  /** A notification payload: `t:<token id>`, `o:<operator id>`, anything else flushes. */
  invalidate(payload: string): void {
    this.seq++;
    if (/^[to]:[0-9a-f-]{36}$/.test(payload)) {
      if (this.inFlight > 0) this.changedAt.set(payload, this.seq);
      this.evict(payload);
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
    this.byHash.clear();
    this.hashesByKey.clear();
  }

  private evict(key: string): void {
    for (const hash of this.hashesByKey.get(key) ?? []) this.drop(hash);
  }

  private drop(hash: string): void {
    const entry = this.byHash.get(hash);
    if (!entry) return;
    this.byHash.delete(hash);
    for (const key of [`t:${entry.tokenId}`, `o:${entry.operatorId}`]) {
      const set = this.hashesByKey.get(key);
      set?.delete(hash);
      if (set?.size === 0) this.hashesByKey.delete(key);
    }
  }

  private store(hash: string, entry: ActiveToken): void {
    this.drop(hash);
    // Oldest first: a busy token is simply read again.
    if (this.byHash.size >= this.capacity) this.drop(this.byHash.keys().next().value!);
    this.byHash.set(hash, entry);
    for (const key of [`t:${entry.tokenId}`, `o:${entry.operatorId}`]) {
      const set = this.hashesByKey.get(key) ?? new Set<string>();
      set.add(hash);
      this.hashesByKey.set(key, set);
    }
  }
}
