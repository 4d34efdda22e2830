import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const opts = { baseMs: 250, capMs: 5000 };
  it.each([
    // failures, random, expected ms
    [1, 0, 125],
    [1, 1, 250],
    [2, 0, 250],
    [2, 0.5, 375],
    [3, 1, 1000],
    [5, 1, 4000],
    [6, 0, 2500], // capped: 250 * 32 = 8000 > 5000
    [6, 1, 5000],
    [1000, 1, 5000],
    [0, 1, 250], // nonsense input is treated as the first failure
  ])('failure %i with random %d waits %i ms', (failures, random, expected) => {
    expect(backoffDelay(failures, opts, () => random)).toBe(expected);
  });

  it('never waits less than half the step, nor more than the cap', () => {
    for (let n = 1; n < 50; n++) {
      const d = backoffDelay(n, opts);
      expect(d).toBeGreaterThanOrEqual(Math.min(5000, 250 * 2 ** (n - 1)) / 2);
      expect(d).toBeLessThanOrEqual(5000);
    }
  });
});
