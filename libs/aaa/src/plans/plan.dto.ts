import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, Matches, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { BoundedInt, Optional, OptionalNullable, OptionalUuid, PartialDto, TrimmedText } from '../common/validation';
import { PLAN_ON_LIMIT, PLAN_PERIODS, PLAN_VALID_FROM, PlanOnLimit, PlanPeriod, PlanValidFrom } from './plan.entity';
import { isTimeZone } from './zoned-time';

const BYTES_MAX = Number.MAX_SAFE_INTEGER;
const INT_MAX = 2_147_483_647;

const IsTimeZone = () =>
  ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isTimeZone(value),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an IANA time zone such as Europe/Berlin`,
    },
  });

export class CreatePlanDto {
  @ApiProperty({ example: 'Monthly 50 GB' }) @TrimmedText(100) name!: string;
  @OptionalUuid("Speed profile of the plan; an account's own speedProfileId overrides it") speedProfileId?: string | null;

  @ApiPropertyOptional({ example: 9.99, description: 'A label for cards and reports (no billing); give currency with it' })
  @OptionalNullable()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(9_999_999_999)
  price?: number | null;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 code' })
  @OptionalNullable()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string | null;

  @ApiPropertyOptional({ description: 'How long the plan is valid, counted from validFrom; null: no end' })
  @OptionalNullable()
  @BoundedInt(60, INT_MAX)
  validitySeconds?: number | null;

  @ApiPropertyOptional({ enum: PLAN_VALID_FROM, default: 'creation' }) @Optional() @IsIn(PLAN_VALID_FROM) validFrom?: PlanValidFrom;

  @ApiPropertyOptional({ description: 'Bytes (in + out) per period; null: unlimited' })
  @OptionalNullable()
  @BoundedInt(0, BYTES_MAX)
  dataBytes?: number | null;

  @ApiPropertyOptional({ description: 'Session seconds per period; null: unlimited' })
  @OptionalNullable()
  @BoundedInt(0, INT_MAX)
  timeSeconds?: number | null;

  @ApiPropertyOptional({ enum: PLAN_PERIODS, default: 'none', description: 'anniversary: monthly, on the day the account started' })
  @Optional()
  @IsIn(PLAN_PERIODS)
  period?: PlanPeriod;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA zone whose midnight starts a period' })
  @Optional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    enum: PLAN_ON_LIMIT,
    default: 'restrict',
    description: 'At the data limit: restrict (B050) or throttle (slowed to throttleProfileId, by CoA during a session)',
  })
  @Optional()
  @IsIn(PLAN_ON_LIMIT)
  onLimit?: PlanOnLimit;

  @OptionalUuid('Speed profile once the period data is used up; required with onLimit throttle') throttleProfileId?: string | null;
}

export class UpdatePlanDto extends PartialDto(CreatePlanDto) {}
