import type { AccountStatus } from '@app/aaa';

/**
 * The one word the panel shows for a connection, in the order the RADIUS policy applies
 * them (radius/policy.ts): a ban or a disable rejects; expiry, a used-up quota or a
 * restriction flag (unpaid…) let a VPN log in restricted to the portal. Pure.
 */
export type ConnectionState = 'active' | 'banned' | 'disabled' | 'expired' | 'quota_exceeded' | 'restricted';

export interface StateInput {
  status: AccountStatus;
  expiresAt: Date | null;
  quotaBytes: number | null;
  usedBytes: number;
  restrictions: string[];
}

export function connectionState(a: StateInput, now: Date): ConnectionState {
  if (a.status === 'banned') return 'banned';
  if (a.status === 'disabled') return 'disabled';
  if (a.expiresAt && a.expiresAt <= now) return 'expired';
  if (a.quotaBytes !== null && a.usedBytes >= a.quotaBytes) return 'quota_exceeded';
  if (a.restrictions.length) return 'restricted';
  return 'active';
}
