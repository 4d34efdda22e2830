import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Optional } from '../common/validation';
import { PLAN_PERIODS, PlanPeriod } from './plan.entity';

export const PERIOD_QUERY_RE = /^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$/;

export class UsageQuery {
  @ApiPropertyOptional({
    example: '2026-11',
    description: "A local month (2026-11) or day (2026-11-05): the plan's period holding its start. Absent: the current period",
  })
  @Optional()
  @Matches(PERIOD_QUERY_RE, { message: 'period must be a month like 2026-11 or a day like 2026-11-05' })
  period?: string;
}

export class UsageView {
  @ApiProperty() accountId!: string;
  @ApiProperty({ nullable: true, type: String }) planId!: string | null;
  @ApiProperty({ enum: PLAN_PERIODS }) period!: PlanPeriod;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone!: string;
  @ApiProperty({ nullable: true, type: Date, description: 'null: the period never resets' }) periodStart!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) periodEnd!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'When the current period resets; null for past periods and none' })
  nextReset!: Date | null;
  @ApiProperty() usedBytes!: number;
  @ApiProperty({ nullable: true, type: Number }) dataLimitBytes!: number | null;
  @ApiProperty({ nullable: true, type: Number }) remainingBytes!: number | null;
  @ApiProperty() usedSeconds!: number;
  @ApiProperty({ nullable: true, type: Number }) timeLimitSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number }) remainingSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Date, description: 'End of validity (expiresAt or the plan validity), if any' })
  validUntil!: Date | null;
}
