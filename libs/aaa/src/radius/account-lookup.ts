import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/app-config';
import { rawQuery } from '../common/pg-fast';
import { PolicyAccount } from './policy';

export interface AuthAccount extends PolicyAccount {
  id: string;
  username: string;
  passwordEnc: string;
  ntHash: string;
  openSessions: (string | null)[];
}

const REFRESH_MS = 60_000;

// One indexed round trip per Access-Request: the account, its profile and its open
// sessions' MACs. Nothing here is cached, so usage and status are never stale.
export const LOOKUP_SQL = `
  SELECT a.id, a.username, a.password_enc, a.nt_hash, a.kind, a.account_group, a.status, host(a.static_ip) AS static_ip,
         a.expires_at, a.quota_bytes, a.used_bytes, a.max_sessions, a.restrictions,
         p.download_kbps, p.upload_kbps, p.burst_download_kbps, p.burst_upload_kbps, p.burst_threshold_percent,
         p.burst_time_seconds, p.session_timeout_seconds, p.idle_timeout_seconds,
         COALESCE((SELECT array_agg(s.calling_station_id) FROM sessions s
                    WHERE s.account_id = a.id AND s.stopped_at IS NULL), '{}') AS open_sessions
    FROM accounts a LEFT JOIN speed_profiles p ON p.id = a.speed_profile_id`;

// Lookups that arrive together (the same event-loop turn, or while earlier ones are in
// flight) share one round trip: PostgreSQL and the socket cost per statement, not per row.
const BY_USERNAMES_SQL = `
  SELECT k.input AS lookup_input, l.*
    FROM unnest($1::text[]) AS k(input)
    CROSS JOIN LATERAL (${LOOKUP_SQL} WHERE lower(a.username) = lower(k.input)) l`;
const MAX_BATCH = 256;
const MAX_CONCURRENT = 1;

type Row = Record<string, unknown>;

function toAuthAccount(r: Row): AuthAccount {
  return {
    id: r.id as string,
    username: r.username as string,
    passwordEnc: r.password_enc as string,
    ntHash: r.nt_hash as string,
    kind: r.kind as AuthAccount['kind'],
    group: r.account_group as AuthAccount['group'],
    status: r.status as AuthAccount['status'],
    staticIp: (r.static_ip as string) ?? null,
    expiresAt: (r.expires_at as Date) ?? null,
    quotaBytes: r.quota_bytes === null ? null : Number(r.quota_bytes),
    usedBytes: Number(r.used_bytes),
    maxSessions: r.max_sessions as number,
    restrictions: (r.restrictions as string[]) ?? [],
    openSessions: (r.open_sessions as (string | null)[]) ?? [],
    profile:
      r.download_kbps === null
        ? null
        : {
            downloadKbps: r.download_kbps as number,
            uploadKbps: r.upload_kbps as number,
            burstDownloadKbps: r.burst_download_kbps as number | null,
            burstUploadKbps: r.burst_upload_kbps as number | null,
            burstThresholdPercent: r.burst_threshold_percent as number | null,
            burstTimeSeconds: r.burst_time_seconds as number | null,
            sessionTimeoutSeconds: r.session_timeout_seconds as number | null,
            idleTimeoutSeconds: r.idle_timeout_seconds as number | null,
          },
  };
}

/**
 * Account reads for authorize, plus the B050 fail-safe: a periodically refreshed
 * in-memory copy of admin accounts that keeps admins logging in while the DB is down.
 */
@Injectable()
export class AccountLookup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AccountLookup.name);
  private admins = new Map<string, AuthAccount>();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.adminFailsafe) return;
    void this.refreshAdmins();
    this.timer = setInterval(() => void this.refreshAdmins(), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async byUsername(username: string): Promise<AuthAccount | null> {
    const account = await this.batchedLookup(username);
    if (account?.group === 'admin' && this.config.adminFailsafe) this.admins.set(username.toLowerCase(), account);
    return account;
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
    try {
      // Matched by the exact input string: SQL lower() alone decides what "same username" means.
      const keys = [...new Set(batch.map((b) => b.key))];
      const rows = await rawQuery<Row>(this.db, BY_USERNAMES_SQL, [keys]);
      const byKey = new Map(rows.map((r) => [r.lookup_input as string, r]));
      for (const b of batch) {
        const row = byKey.get(b.key);
        b.resolve(row ? toAuthAccount(row) : null);
      }
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  /** The cached admin, for when the database cannot answer. Users get nothing: fail-closed. */
  cachedAdmin(username: string): AuthAccount | null {
    if (!this.config.adminFailsafe) return null;
    const a = this.admins.get(username.toLowerCase());
    return a ? { ...a, openSessions: [] } : null;
  }

  private async refreshAdmins(): Promise<void> {
    try {
      const rows: Row[] = await this.db.query(`${LOOKUP_SQL} WHERE a.account_group = 'admin'`);
      this.admins = new Map(rows.map((r) => [String(r.username).toLowerCase(), toAuthAccount(r)]));
    } catch (err) {
      this.log.warn(`admin fail-safe cache not refreshed: ${(err as Error).message}`);
    }
  }
}
