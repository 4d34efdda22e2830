import type { PeriodSpec } from './period';

/**
 * Period arithmetic cases, shared by the unit test (period.spec.ts) and the test that
 * holds PostgreSQL's aaa_plan_period() to the same answers (test/plan-usage.e2e-spec.ts).
 * [name, spec, at, expected start, expected end]; `null` ends mean the forever period.
 */
export type PeriodCase = [string, PeriodSpec, string, string, string];

const anchor = new Date('2026-01-01T00:00:00Z');
const utc = (period: PeriodSpec['period'], a = anchor): PeriodSpec => ({ period, timezone: 'UTC', anchor: a });
const zoned = (period: PeriodSpec['period'], timezone: string, a = anchor): PeriodSpec => ({ period, timezone, anchor: a });
const on31st = new Date('2026-01-31T10:00:00Z');

export const PERIOD_CASES: PeriodCase[] = [
  ['daily, UTC', utc('daily'), '2026-06-15T13:00:00Z', '2026-06-15T00:00:00Z', '2026-06-16T00:00:00Z'],
  ['daily, the reset instant starts the new day', utc('daily'), '2026-06-16T00:00:00Z', '2026-06-16T00:00:00Z', '2026-06-17T00:00:00Z'],
  [
    'daily, Berlin summer: 01:30 local is already the next day',
    zoned('daily', 'Europe/Berlin'),
    '2026-06-15T23:30:00Z',
    '2026-06-15T22:00:00Z',
    '2026-06-16T22:00:00Z',
  ],
  [
    'daily, Berlin spring forward: a 23-hour day',
    zoned('daily', 'Europe/Berlin'),
    '2026-03-29T12:00:00Z',
    '2026-03-28T23:00:00Z',
    '2026-03-29T22:00:00Z',
  ],
  [
    'daily, Berlin fall back: a 25-hour day',
    zoned('daily', 'Europe/Berlin'),
    '2026-10-25T12:00:00Z',
    '2026-10-24T22:00:00Z',
    '2026-10-25T23:00:00Z',
  ],
  ['daily, Kolkata (+05:30)', zoned('daily', 'Asia/Kolkata'), '2026-06-15T20:00:00Z', '2026-06-15T18:30:00Z', '2026-06-16T18:30:00Z'],
  ['weekly from Monday, mid-week', utc('weekly'), '2026-06-17T08:00:00Z', '2026-06-15T00:00:00Z', '2026-06-22T00:00:00Z'],
  ['weekly, Sunday night is still the same week', utc('weekly'), '2026-06-21T23:59:59Z', '2026-06-15T00:00:00Z', '2026-06-22T00:00:00Z'],
  [
    'weekly across the new year',
    zoned('weekly', 'America/New_York'),
    '2027-01-01T12:00:00Z',
    '2026-12-28T05:00:00Z',
    '2027-01-04T05:00:00Z',
  ],
  [
    'monthly, Berlin month holding the spring DST change',
    zoned('monthly', 'Europe/Berlin'),
    '2026-03-20T12:00:00Z',
    '2026-02-28T23:00:00Z',
    '2026-03-31T22:00:00Z',
  ],
  [
    'monthly, Berlin: midnight CEST starts April',
    zoned('monthly', 'Europe/Berlin'),
    '2026-03-31T22:00:00Z',
    '2026-03-31T22:00:00Z',
    '2026-04-30T22:00:00Z',
  ],
  [
    'monthly, Berlin: one second before April',
    zoned('monthly', 'Europe/Berlin'),
    '2026-03-31T21:59:59Z',
    '2026-02-28T23:00:00Z',
    '2026-03-31T22:00:00Z',
  ],
  [
    'monthly, New York month holding the fall DST change',
    zoned('monthly', 'America/New_York'),
    '2026-11-15T12:00:00Z',
    '2026-11-01T04:00:00Z',
    '2026-12-01T05:00:00Z',
  ],
  [
    'anniversary on the 31st, in February',
    utc('anniversary', on31st),
    '2026-02-10T00:00:00Z',
    '2026-01-31T00:00:00Z',
    '2026-02-28T00:00:00Z',
  ],
  [
    'anniversary on the 31st: Feb 28 resets',
    utc('anniversary', on31st),
    '2026-02-28T00:00:00Z',
    '2026-02-28T00:00:00Z',
    '2026-03-31T00:00:00Z',
  ],
  [
    'anniversary on the 31st, late March',
    utc('anniversary', on31st),
    '2026-03-30T23:00:00Z',
    '2026-02-28T00:00:00Z',
    '2026-03-31T00:00:00Z',
  ],
  [
    'anniversary on the 31st, April has 30 days',
    utc('anniversary', on31st),
    '2026-04-15T00:00:00Z',
    '2026-03-31T00:00:00Z',
    '2026-04-30T00:00:00Z',
  ],
  [
    'anniversary on the 31st, leap February',
    utc('anniversary', on31st),
    '2028-02-29T05:00:00Z',
    '2028-02-29T00:00:00Z',
    '2028-03-31T00:00:00Z',
  ],
  [
    'anniversary on the 31st, across the new year',
    utc('anniversary', on31st),
    '2027-01-05T00:00:00Z',
    '2026-12-31T00:00:00Z',
    '2027-01-31T00:00:00Z',
  ],
  [
    'anniversary: the day is the local one (Jan 31 23:30Z is Feb 1 in Berlin)',
    zoned('anniversary', 'Europe/Berlin', new Date('2026-01-31T23:30:00Z')),
    '2026-05-10T00:00:00Z',
    '2026-04-30T22:00:00Z',
    '2026-05-31T22:00:00Z',
  ],
  ['none: one period for ever', utc('none'), '2026-06-15T13:00:00Z', '1970-01-01T00:00:00Z', '9999-12-31T00:00:00Z'],
];
