import { PolicyAccount, SpeedLimits } from './policy';

export interface AuthAccount extends PolicyAccount {
  id: string;
  username: string;
  passwordEnc: string;
  ntHash: string;
  openSessions: (string | null)[];
  /** Set when the account is on a plan (its limits count per period). */
  planId?: string;
}

// One indexed round trip per Access-Request: the account, its plan, its profile (its
// own, else its plan's), the plan's latest usage period and its open sessions' MACs.
// What authorize caches is kept exact by account-cache.ts.
/**
 * The throttle profile in force: the account's own, else its plan's when the plan throttles at
 * its limit (`on_limit = 'throttle'`). Also used by router-rpc to find throttled sessions.
 */
export const EFFECTIVE_THROTTLE = `COALESCE(a.throttle_profile_id, CASE WHEN pl.on_limit = 'throttle' THEN pl.throttle_profile_id END)`;

export const LOOKUP_SQL = `
  SELECT a.id, a.username, a.password_enc, a.nt_hash, a.kind, a.account_group, a.status, host(a.static_ip) AS static_ip,
         a.delegated_prefix::text AS delegated_prefix, a.framed_ipv6_prefix::text AS framed_ipv6_prefix,
         a.expires_at, a.quota_bytes, a.used_bytes, a.max_sessions, a.restrictions, a.created_at, a.first_login_at,
         p.download_kbps, p.upload_kbps, p.burst_download_kbps, p.burst_upload_kbps, p.burst_threshold_percent,
         p.burst_time_seconds, p.session_timeout_seconds, p.idle_timeout_seconds,
         t.download_kbps AS t_download_kbps, t.upload_kbps AS t_upload_kbps, t.burst_download_kbps AS t_burst_download_kbps,
         t.burst_upload_kbps AS t_burst_upload_kbps, t.burst_threshold_percent AS t_burst_threshold_percent,
         t.burst_time_seconds AS t_burst_time_seconds,
         pl.id AS plan_id, pl.data_bytes AS plan_data_bytes, pl.time_seconds AS plan_time_seconds,
         pl.validity_seconds AS plan_validity_seconds, pl.valid_from AS plan_valid_from,
         u.period_start AS usage_start, u.period_end AS usage_end, u.bytes AS usage_bytes, u.seconds AS usage_seconds,
         COALESCE((SELECT array_agg(s.calling_station_id) FROM sessions s
                    WHERE s.account_id = a.id AND s.stopped_at IS NULL), '{}') AS open_sessions
    FROM accounts a
    LEFT JOIN plans pl ON pl.id = a.plan_id
    LEFT JOIN speed_profiles p ON p.id = COALESCE(a.speed_profile_id, pl.speed_profile_id)
    LEFT JOIN speed_profiles t ON t.id = ${EFFECTIVE_THROTTLE}
    LEFT JOIN LATERAL (SELECT x.period_start, x.period_end, x.bytes, x.seconds FROM account_usage x
                        WHERE a.plan_id IS NOT NULL AND x.account_id = a.id
                        ORDER BY x.period_start DESC LIMIT 1) u ON true`;

// Lookups that arrive together (the same event-loop turn, or while earlier ones are in
// flight) share one round trip: PostgreSQL and the socket cost per statement, not per row.
// Inputs are canonical keys (common/username.ts); the index uq_accounts_username is on
// exactly this expression.
export const BY_USERNAMES_SQL = `
  SELECT k.input AS lookup_input, l.*
    FROM unnest($1::text[]) AS k(input)
    CROSS JOIN LATERAL (${LOOKUP_SQL} WHERE lower(a.username COLLATE "C") = k.input) l`;

export type Row = Record<string, unknown>;

/** Triggers of migrations 1764000000000 and 1764100000000 notify here. */
export const ACCOUNT_CHANGED_CHANNEL = 'aaa_account_changed';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * An account on a plan gets the plan's per-period limits (usage from account_usage)
 * and a validity ending the earlier of expires_at and the plan's own end; its own
 * lifetime quota stays as it is, and its own speed profile wins (LOOKUP_SQL).
 */
function planTerms(r: Row): Partial<AuthAccount> {
  if (r.plan_id === null || r.plan_id === undefined) return {};
  const inUsage = r.usage_start !== null && r.usage_start !== undefined;
  let expiresAt = (r.expires_at as Date) ?? null;
  let pendingValiditySeconds: number | null = null;
  const validity = r.plan_validity_seconds as number | null;
  if (validity !== null) {
    const from = r.plan_valid_from === 'first_login' ? (r.first_login_at as Date | null) : (r.created_at as Date);
    if (from) {
      const end = new Date(from.getTime() + validity * 1000);
      if (!expiresAt || end < expiresAt) expiresAt = end;
    } else pendingValiditySeconds = validity;
  }
  return {
    planId: r.plan_id as string,
    plan: {
      dataBytes: num(r.plan_data_bytes),
      timeSeconds: num(r.plan_time_seconds),
      usedBytes: inUsage ? Number(r.usage_bytes) : 0,
      usedSeconds: inUsage ? Number(r.usage_seconds) : 0,
      period: inUsage ? { start: r.usage_start as Date, end: r.usage_end as Date } : null,
    },
    expiresAt,
    pendingValiditySeconds,
  };
}

export function toAuthAccount(r: Row): AuthAccount {
  return {
    id: r.id as string,
    username: r.username as string,
    passwordEnc: r.password_enc as string,
    ntHash: r.nt_hash as string,
    kind: r.kind as AuthAccount['kind'],
    group: r.account_group as AuthAccount['group'],
    status: r.status as AuthAccount['status'],
    staticIp: (r.static_ip as string) ?? null,
    delegatedPrefix: (r.delegated_prefix as string) ?? null,
    framedIpv6Prefix: (r.framed_ipv6_prefix as string) ?? null,
    expiresAt: (r.expires_at as Date) ?? null,
    quotaBytes: r.quota_bytes === null ? null : Number(r.quota_bytes),
    usedBytes: Number(r.used_bytes),
    maxSessions: r.max_sessions as number,
    restrictions: (r.restrictions as string[]) ?? [],
    openSessions: (r.open_sessions as (string | null)[]) ?? [],
    profile: limitsOf(r, ''),
    // Rates only: a throttled session keeps its own profile's timeouts (policy.ts).
    throttleProfile: limitsOf(r, 't_'),
    ...planTerms(r),
  };
}

function limitsOf(r: Row, prefix: '' | 't_'): SpeedLimits | null {
  const col = (name: string) => r[prefix + name] as number | null;
  if (col('download_kbps') === null || col('download_kbps') === undefined) return null;
  return {
    downloadKbps: col('download_kbps')!,
    uploadKbps: col('upload_kbps')!,
    burstDownloadKbps: col('burst_download_kbps'),
    burstUploadKbps: col('burst_upload_kbps'),
    burstThresholdPercent: col('burst_threshold_percent'),
    burstTimeSeconds: col('burst_time_seconds'),
    sessionTimeoutSeconds: prefix ? null : col('session_timeout_seconds'),
    idleTimeoutSeconds: prefix ? null : col('idle_timeout_seconds'),
  };
}
