/**
 * Wall-clock arithmetic in an IANA zone with nothing but Intl (no date library): the
 * local calendar date of an instant, and the instant a local midnight begins.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Names only (Europe/Berlin, UTC): offsets such as +01:00 mean the opposite sign in PostgreSQL. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_\-/]{0,63}$/;

export function isTimeZone(tz: string): boolean {
  if (!ZONE_NAME.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** A calendar date; month 1..12. */
export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

interface LocalParts extends LocalDate {
  h: number;
  mi: number;
  s: number;
}

function parts(at: Date, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(at)) if (type !== 'literal') p[type] = Number(value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

export function localDate(at: Date, tz: string): LocalDate {
  const { y, m, d } = parts(at, tz);
  return { y, m, d };
}

/** Offset of the zone from UTC at this instant, in milliseconds. */
function offsetAt(t: number, tz: string): number {
  const p = parts(new Date(t), tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant local midnight of this date begins. Where midnight does not exist (a
 * zone that springs forward at 00:00), the first instant after the gap, as PostgreSQL
 * resolves `timestamp AT TIME ZONE`.
 */
export function startOfLocalDay(date: LocalDate, tz: string): Date {
  const wall = Date.UTC(date.y, date.m - 1, date.d);
  const first = wall - offsetAt(wall, tz);
  const second = wall - offsetAt(first, tz);
  if (first === second) return new Date(first);
  // Two candidates: the offset changed between them. Keep the one that reads back as
  // this wall time; in a gap neither does, and the later one lies after it.
  const back = (t: number) => {
    const p = parts(new Date(t), tz);
    return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) === wall;
  };
  if (back(first)) return new Date(Math.min(first, back(second) ? second : first));
  if (back(second)) return new Date(second);
  return new Date(Math.max(first, second));
}

/** Calendar arithmetic on dates (no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Monday = 1 .. Sunday = 7, as ISO 8601 (and PostgreSQL's isodow). */
export function isoWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() || 7;
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}
