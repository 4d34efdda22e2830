import type { PlanPeriod } from './plan.entity';
import { addDays, compareDates, daysInMonth, isoWeekday, LocalDate, localDate, startOfLocalDay } from './zoned-time';

/**
 * Usage periods, as a pure function of the plan, the account's start and an instant.
 * The SQL function aaa_plan_period() (migration 1764500000001) books accounting with the
 * same arithmetic; test/plan-periods.e2e-spec.ts holds both to the same table.
 *
 * Every period starts at local midnight in the plan's zone:
 * - daily: each day; weekly: Monday; monthly: the 1st;
 * - anniversary: monthly on the day of the month the account started, or the month's
 *   last day when it is shorter (started on the 31st: the 30th, then the 28th/29th);
 * - none: one period for ever.
 */
export interface PeriodSpec {
  period: PlanPeriod;
  timezone: string;
  /** When the account started (first login or creation, per the plan): anniversary's day. */
  anchor: Date;
}

export interface Period {
  start: Date;
  end: Date;
}

/** `none` books into this single period, so the usage table needs no special case. */
export const FOREVER: Period = { start: new Date('1970-01-01T00:00:00Z'), end: new Date('9999-12-31T00:00:00Z') };

export function isForever(p: Period): boolean {
  return p.start.getTime() === FOREVER.start.getTime() && p.end.getTime() === FOREVER.end.getTime();
}

export function periodAt(spec: PeriodSpec, at: Date): Period {
  const tz = spec.timezone;
  const day = localDate(at, tz);
  let start: LocalDate;
  let end: LocalDate;
  switch (spec.period) {
    case 'daily':
      start = day;
      end = addDays(day, 1);
      break;
    case 'weekly':
      start = addDays(day, 1 - isoWeekday(day));
      end = addDays(start, 7);
      break;
    case 'monthly':
      start = { y: day.y, m: day.m, d: 1 };
      end = nextMonth(start, 1);
      break;
    case 'anniversary': {
      const anchorDay = localDate(spec.anchor, tz).d;
      start = onDay({ y: day.y, m: day.m, d: 1 }, anchorDay);
      if (compareDates(start, day) > 0) start = onDay(nextMonth({ y: day.y, m: day.m, d: 1 }, -1), anchorDay);
      end = onDay(nextMonth({ y: start.y, m: start.m, d: 1 }, 1), anchorDay);
      break;
    }
    default:
      return FOREVER;
  }
  return { start: startOfLocalDay(start, tz), end: startOfLocalDay(end, tz) };
}

/** The first of the month `n` months away. */
function nextMonth(first: LocalDate, n: number): LocalDate {
  const index = first.y * 12 + (first.m - 1) + n;
  return { y: Math.floor(index / 12), m: (index % 12) + 1, d: 1 };
}

/** The day `d` of that month, or its last day when the month is shorter. */
function onDay(first: LocalDate, d: number): LocalDate {
  return { y: first.y, m: first.m, d: Math.min(d, daysInMonth(first.y, first.m)) };
}
