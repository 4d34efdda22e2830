import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsPassword, IsUsername, OptionalUuid } from '../common/validation';
import { ACCOUNT_GROUPS, ACCOUNT_KINDS, ACCOUNT_STATUSES, AccountGroup, AccountKind, AccountStatus } from './account.entity';

const CIDR_RE = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$|^[0-9a-fA-F:]+(\/\d{1,3})?$/;
const FLAG_RE = /^[a-z][a-z0-9_-]{0,31}$/;
const QUOTA_MAX = 2 ** 53 - 1;

class AccountFields {
  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES }) @IsOptional() @IsIn(ACCOUNT_STATUSES) status?: AccountStatus;
  @OptionalUuid('Speed profile; null clears it') @ValidateIf((_, v) => v !== null) speedProfileId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date | null;

  @ApiPropertyOptional({ nullable: true, description: 'Bytes (in + out); null means unlimited' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(QUOTA_MAX)
  quotaBytes?: number | null;

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @IsOptional() @IsInt() @Min(1) @Max(1000) maxSessions?: number;

  @ApiPropertyOptional({ type: [String], example: ['203.0.113.0/24'], nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(CIDR_RE, { each: true, message: 'panelAllowlist entries must be CIDRs' })
  panelAllowlist?: string[] | null;

  @ApiPropertyOptional({ type: [String], example: ['unpaid'], description: 'Flags that force restricted mode' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(FLAG_RE, { each: true, message: 'restrictions must be lowercase flags like "unpaid"' })
  restrictions?: string[];

  @ApiPropertyOptional() @IsOptional() @MaxLength(2000) notes?: string;
}

export class CreateAccountDto extends AccountFields {
  @IsUsername() username!: string;
  @IsPassword() password!: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) @IsIn(ACCOUNT_KINDS) kind!: AccountKind;
  @ApiPropertyOptional({ enum: ACCOUNT_GROUPS, default: 'user' }) @IsOptional() @IsIn(ACCOUNT_GROUPS) group?: AccountGroup;
  @ApiPropertyOptional({ format: 'uuid', description: 'Allocate staticIp from this pool' })
  @IsOptional()
  @IsUUID('all')
  ipPoolId?: string;
  @ApiPropertyOptional({ example: '10.10.0.20', description: 'Explicit static IP (instead of ipPoolId)' })
  @IsOptional()
  @IsIP('4')
  staticIp?: string;
}

export class UpdateAccountDto extends AccountFields {
  @IsPassword(true) password?: string;
  @ApiPropertyOptional({ enum: ACCOUNT_GROUPS }) @IsOptional() @IsIn(ACCOUNT_GROUPS) group?: AccountGroup;
  @ApiPropertyOptional({ description: 'Set to 0 to start a new quota period' }) @IsOptional() @IsInt() @Min(0) usedBytes?: number;
}

export class AccountQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @MaxLength(64) username?: string;
}

export class AccountView {
  @ApiProperty() id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) kind!: AccountKind;
  @ApiProperty({ enum: ACCOUNT_GROUPS }) group!: AccountGroup;
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status!: AccountStatus;
  @ApiProperty({ nullable: true, type: String }) speedProfileId!: string | null;
  @ApiProperty({ nullable: true, type: String }) ipPoolId!: string | null;
  @ApiProperty({ nullable: true, type: String }) staticIp!: string | null;
  @ApiProperty({ nullable: true, type: Date }) expiresAt!: Date | null;
  @ApiProperty({ nullable: true, type: Number }) quotaBytes!: number | null;
  @ApiProperty() usedBytes!: number;
  @ApiProperty() maxSessions!: number;
  @ApiProperty({ nullable: true, type: [String] }) panelAllowlist!: string[] | null;
  @ApiProperty({ type: [String] }) restrictions!: string[];
  @ApiProperty({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}
