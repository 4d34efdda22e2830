import { formats } from './format';

describe('formats()', () => {
  const en = formats('en', 'Europe/Berlin');
  const de = formats('de', 'Europe/Berlin');

  it.each([
    [0, '0 B', '0 B'],
    [999, '999 B', '999 B'],
    [1500, '1.5 kB', '1,5 kB'],
    [1_500_000_000, '1.5 GB', '1,5 GB'],
    [12_345_678_901_234, '12.3 TB', '12,3 TB'],
    [-5, '0 B', '0 B'],
  ])('bytes(%i) → %s / %s', (n, e, d) => {
    expect(en.bytes(n)).toBe(e);
    expect(de.bytes(n)).toBe(d);
  });

  it('rates, percentages, days and times', () => {
    expect(en.rate(10_000)).toBe('10 Mbit/s');
    expect(de.rate(2500)).toBe('2,5 Mbit/s');
    expect(en.rate(512)).toBe('512 kbit/s');
    expect(en.percent(1, 4)).toBe('25%');
    expect(de.percent(1, 4)).toBe('25\u00a0%');
    expect(en.percent(5, 0)).toBe('0%');
    expect(en.day('2026-12-01')).toBe('1 Dec');
    expect(de.day('2026-12-01')).toBe('1. Dez.');
    // 23:30 UTC is already the next day in Berlin.
    expect(en.dateTime(new Date('2026-12-01T23:30:00Z'))).toBe('2 Dec 2026, 00:30');
  });
});
