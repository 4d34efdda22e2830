import { periodAt } from './period';
import { PERIOD_CASES } from './period-cases';
import { isTimeZone, startOfLocalDay } from './zoned-time';

describe('periodAt', () => {
  it.each(PERIOD_CASES)('%s', (_, spec, at, start, end) => {
    const p = periodAt(spec, new Date(at));
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual([new Date(start).toISOString(), new Date(end).toISOString()]);
  });

  it('a period always holds the instant it was asked for', () => {
    for (const [, spec, at] of PERIOD_CASES) {
      const p = periodAt(spec, new Date(at));
      expect(p.start.getTime()).toBeLessThanOrEqual(new Date(at).getTime());
      expect(p.end.getTime()).toBeGreaterThan(new Date(at).getTime());
    }
  });
});

describe('startOfLocalDay', () => {
  it.each([
    ['UTC', { y: 2026, m: 3, d: 29 }, '2026-03-29T00:00:00Z'],
    ['Europe/Berlin', { y: 2026, m: 3, d: 29 }, '2026-03-28T23:00:00Z'],
    ['Europe/Berlin', { y: 2026, m: 3, d: 30 }, '2026-03-29T22:00:00Z'],
    ['America/New_York', { y: 2026, m: 11, d: 2 }, '2026-11-02T05:00:00Z'],
    ['Asia/Kathmandu', { y: 2026, m: 6, d: 1 }, '2026-05-31T18:15:00Z'],
    ['Pacific/Kiritimati', { y: 2026, m: 6, d: 1 }, '2026-05-31T10:00:00Z'],
  ])('%s %o', (tz, date, expected) => {
    expect(startOfLocalDay(date, tz).toISOString()).toBe(new Date(expected).toISOString());
  });
});

describe('isTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Mars/Olympus', false],
    ['+01:00', false],
    ['', false],
    ['Europe/Berlin\n', false],
  ])('%j → %s', (tz, ok) => expect(isTimeZone(tz)).toBe(ok));
});
