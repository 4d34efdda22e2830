import { PolicyAccount, SpeedLimits } from './policy';

export interface AuthAccount extends PolicyAccount {
  id: string;
  username: string;
  passwordEnc: string;
  ntHash: string;
  openSessions: (string | null)[];
}

// One indexed round trip per Access-Request: the account, its profile and its open
// sessions' MACs. What authorize caches is kept exact by account-cache.ts.
export const LOOKUP_SQL = `
  SELECT a.id, a.username, a.password_enc, a.nt_hash, a.kind, a.account_group, a.status, host(a.static_ip) AS static_ip,
         a.delegated_prefix::text AS delegated_prefix, a.framed_ipv6_prefix::text AS framed_ipv6_prefix,
         a.expires_at, a.quota_bytes, a.used_bytes, a.max_sessions, a.restrictions,
         p.download_kbps, p.upload_kbps, p.burst_download_kbps, p.burst_upload_kbps, p.burst_threshold_percent,
         p.burst_time_seconds, p.session_timeout_seconds, p.idle_timeout_seconds,
         t.download_kbps AS t_download_kbps, t.upload_kbps AS t_upload_kbps, t.burst_download_kbps AS t_burst_download_kbps,
         t.burst_upload_kbps AS t_burst_upload_kbps, t.burst_threshold_percent AS t_burst_threshold_percent,
         t.burst_time_seconds AS t_burst_time_seconds,
         COALESCE((SELECT array_agg(s.calling_station_id) FROM sessions s
                    WHERE s.account_id = a.id AND s.stopped_at IS NULL), '{}') AS open_sessions
    FROM accounts a LEFT JOIN speed_profiles p ON p.id = a.speed_profile_id
    LEFT JOIN speed_profiles t ON t.id = a.throttle_profile_id`;

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
