import { TokenBucketLimiter } from './rate-limiter';

describe('TokenBucketLimiter', () => {
  it('allows the capacity, then refuses until tokens refill', () => {
    let now = 0;
    const l = new TokenBucketLimiter(10, 60_000, () => now);
    for (let i = 0; i < 10; i++) expect(l.take('a')).toBe(true);
    expect(l.take('a')).toBe(false);
    expect(l.take('b')).toBe(true); // per key
    now += 5_999;
    expect(l.take('a')).toBe(false);
    now += 1;
    expect(l.take('a')).toBe(true); // one token per 6 s
    expect(l.take('a')).toBe(false);
    l.reset();
    expect(l.take('a')).toBe(true);
  });

  it('bounds memory by sweeping refilled buckets', () => {
    let now = 0;
    const l = new TokenBucketLimiter(2, 1000, () => now, 3);
    ['a', 'b', 'c'].forEach((k) => l.take(k));
    now += 1000;
    expect(l.take('d')).toBe(true);
    expect((l as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
  });
});
