import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { Clock } from '../common/clock';
import { orNotFound } from '../common/db-errors';
import { Plan } from './plan.entity';
import { isForever, Period, periodAt } from './period';
import { PERIOD_QUERY_RE, UsageView } from './usage.dto';
import { daysInMonth, startOfLocalDay } from './zoned-time';

interface UsageRow {
  period_start: Date;
  period_end: Date;
  bytes: string;
  seconds: string;
}

/**
 * GET /api/accounts/:id/usage. What accounting booked (migration 1764500000001) for the
 * period asked, with the limits in force now. An account without a plan shows its
 * lifetime counter (used_bytes against quota_bytes) as a period that never resets.
 */
@Injectable()
export class UsageService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async forAccount(accountId: string, periodQuery?: string): Promise<UsageView> {
    const account = orNotFound(
      await this.db.getRepository(Account).findOne({ where: { id: accountId }, relations: { plan: true } }),
      'Account',
    );
    const plan = account.plan ?? null;
    const now = this.clock.now();
    if (!plan) return this.lifetime(account);

    const spec = { period: plan.period, timezone: plan.timezone, anchor: anchorOf(account, plan) };
    const current = periodQuery === undefined;
    const at = current ? now : startOf(periodQuery, plan.timezone);
    const [row] = (await this.db.query(
      `SELECT period_start, period_end, bytes, seconds FROM account_usage
        WHERE account_id = $1 AND period_start <= $2 AND period_end > $2 ORDER BY period_start DESC LIMIT 1`,
      [account.id, at],
    )) as UsageRow[];
    const period: Period = row ? { start: row.period_start, end: row.period_end } : periodAt(spec, at);
    const forever = isForever(period);
    const usedBytes = row ? Number(row.bytes) : 0;
    const usedSeconds = row ? Number(row.seconds) : 0;
    const dataLimit = plan.dataBytes;
    return {
      accountId: account.id,
      planId: plan.id,
      period: plan.period,
      timezone: plan.timezone,
      periodStart: forever ? null : period.start,
      periodEnd: forever ? null : period.end,
      nextReset: forever || !current ? null : period.end,
      usedBytes,
      dataLimitBytes: dataLimit,
      remainingBytes: dataLimit === null ? null : Math.max(dataLimit - usedBytes, 0),
      usedSeconds,
      timeLimitSeconds: plan.timeSeconds,
      remainingSeconds: plan.timeSeconds === null ? null : Math.max(plan.timeSeconds - usedSeconds, 0),
      validUntil: validUntil(account, plan),
    };
  }

  private lifetime(a: Account): UsageView {
    return {
      accountId: a.id,
      planId: null,
      period: 'none',
      timezone: 'UTC',
      periodStart: null,
      periodEnd: null,
      nextReset: null,
      usedBytes: a.usedBytes,
      dataLimitBytes: a.quotaBytes,
      remainingBytes: a.quotaBytes === null ? null : Math.max(a.quotaBytes - a.usedBytes, 0),
      usedSeconds: 0,
      timeLimitSeconds: null,
      remainingSeconds: null,
      validUntil: a.expiresAt,
    };
  }
}

/** The day anniversary periods reset on, as aaa_plan_period() is given it. */
export function anchorOf(a: Pick<Account, 'firstLoginAt' | 'createdAt'>, plan: Pick<Plan, 'validFrom'>): Date {
  return plan.validFrom === 'first_login' ? (a.firstLoginAt ?? a.createdAt) : a.createdAt;
}

/** The earlier of the account's expiresAt and the plan's validity end; none before a first login starts it. */
export function validUntil(
  a: Pick<Account, 'firstLoginAt' | 'createdAt' | 'expiresAt'>,
  plan: Pick<Plan, 'validFrom' | 'validitySeconds'>,
): Date | null {
  const from = plan.validFrom === 'first_login' ? a.firstLoginAt : a.createdAt;
  const end = plan.validitySeconds !== null && from ? new Date(from.getTime() + plan.validitySeconds * 1000) : null;
  if (!end) return a.expiresAt;
  return a.expiresAt && a.expiresAt < end ? a.expiresAt : end;
}

/** Local midnight starting `2026-11` (its 1st) or `2026-11-05`, in the plan's zone. */
function startOf(q: string, tz: string): Date {
  const [, y, m, d] = PERIOD_QUERY_RE.exec(q)!;
  const date = { y: Number(y), m: Number(m), d: d ? Number(d) : 1 };
  if (date.d > daysInMonth(date.y, date.m)) throw new BadRequestException(`period ${q} is not a date`);
  return startOfLocalDay(date, tz);
}
