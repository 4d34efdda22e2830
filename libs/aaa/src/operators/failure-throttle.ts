import { isIP } from 'node:net';

export interface ThrottleOptions {
  /** Failures an address may have before its requests are slowed down. */
  free: number;
  /** One failure is forgotten per this many ms. */
  leakMs: number;
  /** The first slowed request waits this long after the previous one; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A request that would have to wait longer is refused (429) at once, with Retry-After. */
  maxWaitMs: number;
  /** Addresses remembered at most (forgotten first: those with nothing left against them). */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  free: 10,
  leakMs: 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxWaitMs: 10_000,
  maxKeys: 50_000,
};

export type Admission = { waitMs: number } | { refusedForMs: number };

interface State {
  /** Failures not yet forgotten (fractional while leaking). */
  score: number;
  at: number;
  /** Attempts admitted and not yet settled: counted as failures until they succeed. */
  pending: number;
  /** When the next slowed attempt may start. */
  nextAt: number;
}

/**
 * Slows down guessing of admin tokens per client address. Once an address has `free`
 * failures not yet forgotten, each of its attempts waits for a slot, the slots spaced by a
 * delay that doubles with every further failure; an attempt whose slot is more than
 * `maxWaitMs` away is refused. The wait comes before the token is looked at, and applies
 * to valid tokens from that address too: if only failures were slowed, parallel guesses
 * would learn the right answer at full speed. Attempts still in flight count as
 * failures, so a burst in parallel gets `free` tries, not as many as it sends.
 * Pure apart from `now`: the caller does the waiting.
 */
export class FailureThrottle {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call before checking a token from `key`; then exactly one of `succeeded`/`failed` (or `settled` if refused). */
  admit(key: string): Admission {
    const now = this.now();
    const s = this.state(key, now);
    // A failure counts whole until it has leaked away completely.
    const held = Math.ceil(s.score - 1e-9) + s.pending;
    const slowed = held >= this.opts.free;
    if (!slowed) {
      s.pending++;
      return { waitMs: 0 };
    }
    const start = Math.max(now, s.nextAt);
    if (start - now > this.opts.maxWaitMs) return { refusedForMs: start - now };
    const excess = held - this.opts.free;
    s.nextAt = start + Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.min(excess, 30));
    s.pending++;
    return { waitMs: start - now };
  }

  succeeded(key: string): void {
    const s = this.states.get(key);
    if (s && s.pending > 0) s.pending--;
  }

  failed(key: string): void {
    const s = this.state(key, this.now());
    if (s.pending > 0) s.pending--;
    s.score++;
  }

  /** Failures held against `key` now (for tests and metrics). */
  score(key: string): number {
    const s = this.states.get(key);
    return s ? this.leak(s, this.now()).score : 0;
  }

  private state(key: string, now: number): State {
    let s = this.states.get(key);
    if (!s) {
      if (this.states.size >= this.opts.maxKeys) this.sweep(now);
      s = { score: 0, at: now, pending: 0, nextAt: 0 };
      this.states.set(key, s);
    }
    return this.leak(s, now);
  }

  private leak(s: State, now: number): State {
    s.score = Math.max(0, s.score - (now - s.at) / this.opts.leakMs);
    s.at = now;
    return s;
  }

  /** Forgets addresses with nothing against them; if that is not enough, the table is full of attackers: start over. */
  private sweep(now: number): void {
    for (const [k, s] of this.states) {
      if (this.leak(s, now).score === 0 && s.pending === 0 && s.nextAt <= now) this.states.delete(k);
    }
    if (this.states.size >= this.opts.maxKeys) this.states.clear();
  }
}

/**
 * The throttle's key for a client address: IPv4 addresses as they are, IPv6 by /64
 * (one subscriber gets a whole /64 and can pick any address in it).
 */
export function throttleKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

function expandIpv6(ip: string): string[] | null {
  const [head, tail, ...rest] = ip.split('::');
  if (rest.length || ip.includes('.')) return null;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => parseInt(g || '0', 16).toString(16));
}
