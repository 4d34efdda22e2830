import { monthsBefore } from './session-archiver';

describe('monthsBefore (history retention cutoff, UTC months)', () => {
  it.each([
    ['2026-11-22T10:00:00Z', 0, '2026-11-01T00:00:00.000Z'],
    ['2026-11-22T10:00:00Z', 1, '2026-10-01T00:00:00.000Z'],
    ['2026-01-31T23:59:59Z', 1, '2025-12-01T00:00:00.000Z'],
    ['2026-03-31T12:00:00Z', 1, '2026-02-01T00:00:00.000Z'],
    ['2026-03-01T00:00:00Z', 24, '2024-03-01T00:00:00.000Z'],
  ])('%s, keeping %i whole months → %s', (now, months, cutoff) => {
    expect(monthsBefore(new Date(now), months).toISOString()).toBe(cutoff);
  });
});
