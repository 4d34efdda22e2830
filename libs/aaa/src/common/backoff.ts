/** Capped exponential backoff for reconnecting to PostgreSQL (the pool's gate and the LISTEN connection). */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** No retry waits longer than this, so recovery after an outage takes at most this long. */
  capMs: number;
}

export const DB_RECONNECT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 5000 };

/**
 * How long to wait before retry number `failures` (1 = after the first failure).
 * "Equal jitter": half the exponential step is fixed, half random. The fixed half keeps
 * one loop from ever retrying in a tight spin; the random half keeps many instances
 * (and their pools) that lost the same database at the same moment from retrying in step.
 */
export function backoffDelay(failures: number, opts: BackoffOptions = DB_RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(failures));
  // 2^30 is far past any cap; the bound only keeps the arithmetic finite.
  const step = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
