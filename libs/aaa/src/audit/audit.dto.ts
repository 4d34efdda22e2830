import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsDateTime, Optional } from '../common/validation';

export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied'] as const;
export const AUDIT_ACTOR_TYPES = ['operator', 'bootstrap', 'system', 'anonymous', 'customer'] as const;

export class AuditLogQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries by this operator' }) @Optional() @IsUUID('all') operatorId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Entries about this record (its id)' })
  @Optional()
  @MaxLength(200)
  target?: string;

  @ApiPropertyOptional({
    example: 'accounts.update',
    description: 'An action (`accounts.update`), or an area and everything in it (`accounts`)',
  })
  @Optional()
  @Matches(/^[a-z][a-zA-Z0-9-]{0,63}(\.[a-zA-Z][a-zA-Z0-9-]{0,63})*$/, { message: 'action must look like accounts or accounts.update' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @Optional() @IsIn(AUDIT_OUTCOMES) outcome?: (typeof AUDIT_OUTCOMES)[number];

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'From this time on (inclusive)' })
  @Optional()
  @IsDateTime()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Before this time (exclusive)' })
  @Optional()
  @IsDateTime()
  to?: Date;
}

export class AuditEntryView {
  @ApiProperty({ description: 'Unique; entries are listed by `at`, newest first' }) id!: string;
  @ApiProperty() at!: Date;
  @ApiProperty({
    enum: AUDIT_ACTOR_TYPES,
    description: 'bootstrap: ADMIN_TOKEN; anonymous: a token that was not recognised; customer: a customer in the panel',
  })
  actorType!: (typeof AUDIT_ACTOR_TYPES)[number];
  @ApiProperty({ type: String, nullable: true }) operatorId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The customer, for customer actors' }) customerId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The operator's name at the time, or the system part" }) actorName!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) tokenId!: string | null;
  @ApiProperty({ type: String, nullable: true }) tokenPrefix!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceIp!: string | null;
  @ApiProperty({ type: String, nullable: true }) method!: string | null;
  @ApiProperty({ type: String, nullable: true }) path!: string | null;
  @ApiProperty({ example: 'accounts.update' }) action!: string;
  @ApiProperty({ type: String, nullable: true }) targetType!: string | null;
  @ApiProperty({ type: String, nullable: true }) targetId!: string | null;
  @ApiProperty({
    type: Object,
    nullable: true,
    description: 'Changed fields as {field: {from, to}}; secrets show as "[redacted]"',
  })
  changes!: Record<string, { from: unknown; to: unknown }> | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: (typeof AUDIT_OUTCOMES)[number];
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the request' }) status!: number | null;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
}

export class AuditEntryPage {
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
}
