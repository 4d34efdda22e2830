import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { PgNotifier } from '../common/pg-notifier';
import { ActiveToken, TokenCache } from './token-cache';
import { OperatorRole } from './roles';

/** Channel of the triggers in migration 1764420000000. */
export const OPERATOR_CHANGED_CHANNEL = 'aaa_operator_changed';

/** What the database says about a presented token. */
export type TokenLookup = { active: ActiveToken } | { refused: 'unknown' | 'revoked' | 'expired'; prefix?: string };

/** `last_used_at` is written at most this often per token and instance: it is for people, not for decisions. */
const TOUCH_EVERY_MS = 60_000;
/** How long a change waits to hear its own notification back (below). */
const ECHO_WAIT_MS = 2000;

interface Row {
  id: string;
  operator_id: string;
  prefix: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  role: OperatorRole;
  name: string;
}

const LOOKUP_SQL = `SELECT t.id, t.operator_id, t.prefix, t.expires_at, t.revoked_at, o.role, o.name
                      FROM operator_tokens t JOIN operators o ON o.id = t.operator_id
                     WHERE t.token_hash = $1`;

/**
 * Personal tokens by hash, for the guard on every admin request: from memory when it can
 * (TokenCache, exact through the `aaa_operator_changed` triggers), else one indexed read.
 * Expiry is checked on every use against the clock, so an expired token is refused the
 * moment it expires, cached or not.
 */
@Injectable()
export class TokenDirectory implements OnApplicationBootstrap {
  private readonly log = new Logger('OperatorTokens');
  private readonly cache = new TokenCache();
  private readonly touched = new Map<string, number>();
  private readonly echoes = new Map<string, Set<() => void>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: PgNotifier,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.bus.onGap((listening) => (listening ? this.cache.resume() : this.cache.suspend()));
    await this.bus.listen(OPERATOR_CHANGED_CHANNEL, (payload) => this.heard(payload));
    this.cache.resume();
  }

  async lookup(hash: string): Promise<TokenLookup> {
    const found = this.cache.get(hash) ?? (await this.read(hash));
    if ('refused' in found) return found;
    if (found.expiresAt && found.expiresAt.getTime() <= this.clock.now().getTime()) return { refused: 'expired', prefix: found.prefix };
    this.touch(found.tokenId);
    return { active: found };
  }

  /**
   * Runs a write that revokes a token or changes an operator (`payload` names it as the
   * trigger will: `t:<id>`, `o:<id>`). This instance forgets it at once, then waits
   * (bounded) to hear the trigger's notification back: PostgreSQL sends a notification to
   * every listening instance at the same moment, so once this one has it the others have
   * been sent it too, before the owner gets the answer. The wait starts before the write,
   * so a notification that is quicker than the write's own answer is not missed.
   */
  async change<T>(payload: string, write: () => Promise<T>): Promise<T> {
    let done!: () => void;
    const heard = new Promise<void>((resolve) => (done = resolve));
    const waiting = this.echoes.get(payload) ?? new Set();
    waiting.add(done);
    this.echoes.set(payload, waiting);
    const timer = setTimeout(done, ECHO_WAIT_MS).unref();
    try {
      const result = await write();
      this.cache.invalidate(payload);
      await heard;
      return result;
    } finally {
      clearTimeout(timer);
      waiting.delete(done);
      if (waiting.size === 0 && this.echoes.get(payload) === waiting) this.echoes.delete(payload);
    }
  }

  private heard(payload: string): void {
    this.cache.invalidate(payload);
    for (const done of this.echoes.get(payload) ?? []) done();
  }

  private async read(hash: string): Promise<ActiveToken | { refused: 'unknown' | 'revoked'; prefix?: string }> {
    const begun = this.cache.begin();
    let active: ActiveToken | null = null;
    try {
      const [row]: Row[] = await this.db.query(LOOKUP_SQL, [hash]);
      if (!row) return { refused: 'unknown' };
      if (row.revoked_at) return { refused: 'revoked', prefix: row.prefix };
      active = {
        tokenId: row.id,
        operatorId: row.operator_id,
        operatorName: row.name,
        role: row.role,
        prefix: row.prefix,
        expiresAt: row.expires_at,
      };
      return active;
    } finally {
      this.cache.finish(begun, hash, active);
    }
  }

  /** Records when a token was last used, at most once a minute; a failure here never fails the request. */
  private touch(tokenId: string): void {
    const now = this.clock.now();
    if (now.getTime() - (this.touched.get(tokenId) ?? 0) < TOUCH_EVERY_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(tokenId, now.getTime());
    this.db
      .query('UPDATE operator_tokens SET last_used_at = $2 WHERE id = $1', [tokenId, now])
      .catch((err: Error) => this.log.warn(`could not record the use of token ${tokenId}: ${err.message}`));
  }
}
