import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { USERNAME_RE, USERNAME_RULE } from '../common/username';
import {
  BoundedInt,
  IsCidrList,
  IsDateTime,
  IsIpAddress,
  IsIpv6Prefix,
  IsPassword,
  IsUsername,
  Optional,
  OptionalNullable,
  OptionalUuid,
} from '../common/validation';
import { ACCOUNT_GROUPS, ACCOUNT_KINDS, ACCOUNT_STATUSES, AccountGroup, AccountKind, AccountStatus } from './account.entity';

/** Prefix lengths an account may be given: delegation hands a router a whole network, a link gets up to one address. */
const DELEGATED_LENGTHS: [number, number] = [32, 64];
const FRAMED_LENGTHS: [number, number] = [32, 128];
const FLAG_RE = /^[a-z][a-z0-9_-]{0,31}$/;
/** Bytes: exact in a JavaScript number, and far inside bigint (9 PB). */
const BYTES_MAX = Number.MAX_SAFE_INTEGER;

class AccountFields {
  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES }) @Optional() @IsIn(ACCOUNT_STATUSES) status?: AccountStatus;
  @OptionalUuid('Speed profile; null clears it') speedProfileId?: string | null;
  @OptionalUuid(
    'Fair usage: speed profile the session is slowed to (by CoA) once quotaBytes is used up, instead of restricted; null clears it',
  )
  throttleProfileId?: string | null;
  @OptionalUuid('Plan (limits, validity, speed); null clears it') planId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @OptionalNullable()
  @IsDateTime()
  expiresAt?: Date | null;

  @ApiPropertyOptional({ nullable: true, description: 'Bytes (in + out); null means unlimited' })
  @OptionalNullable()
  @BoundedInt(0, BYTES_MAX)
  quotaBytes?: number | null;

  @ApiPropertyOptional({ default: 1 }) @Optional() @BoundedInt(1, 1000) maxSessions?: number;

  @ApiPropertyOptional({ type: [String], example: ['203.0.113.0/24'], nullable: true })
  @OptionalNullable()
  @IsArray()
  @ArrayMaxSize(64)
  @IsCidrList()
  panelAllowlist?: string[] | null;

  @ApiPropertyOptional({ type: [String], example: ['unpaid'], description: 'Flags that force restricted mode' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(FLAG_RE, { each: true, message: 'restrictions must be lowercase flags like "unpaid"' })
  restrictions?: string[];

  @ApiPropertyOptional({ type: String, maxLength: 2000 }) @OptionalNullable() @MaxLength(2000) notes?: string | null;
}

export class CreateAccountDto extends AccountFields {
  @IsUsername() username!: string;
  @IsPassword() password!: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) @IsIn(ACCOUNT_KINDS) kind!: AccountKind;
  @ApiPropertyOptional({ enum: ACCOUNT_GROUPS, default: 'user' }) @Optional() @IsIn(ACCOUNT_GROUPS) group?: AccountGroup;
  @ApiPropertyOptional({ format: 'uuid', description: 'Allocate staticIp from this pool' })
  @Optional()
  @IsUUID('all')
  ipPoolId?: string;
  @ApiPropertyOptional({ example: '10.10.0.20', description: 'Explicit static IP (instead of ipPoolId)' })
  @Optional()
  @IsIpAddress(4)
  staticIp?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Allocate delegatedPrefix from this IPv6 pool (purpose delegated)' })
  @Optional()
  @IsUUID('all')
  ip6PoolId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Allocate framedIpv6Prefix from this IPv6 pool (purpose framed)' })
  @Optional()
  @IsUUID('all')
  framedIp6PoolId?: string;
  @ApiPropertyOptional({ example: '2001:db8:100::/56', description: 'Explicit delegated prefix (instead of ip6PoolId)' })
  @Optional()
  @IsIpv6Prefix(DELEGATED_LENGTHS)
  delegatedPrefix?: string;
  @ApiPropertyOptional({ example: '2001:db8:1:2::/64', description: 'Explicit framed IPv6 prefix (instead of framedIp6PoolId)' })
  @Optional()
  @IsIpv6Prefix(FRAMED_LENGTHS)
  framedIpv6Prefix?: string;
}

export class UpdateAccountDto extends AccountFields {
  @IsPassword(true) password?: string;
  @ApiPropertyOptional({ enum: ACCOUNT_GROUPS }) @Optional() @IsIn(ACCOUNT_GROUPS) group?: AccountGroup;
  @ApiPropertyOptional({ description: 'Set to 0 to start a new quota period' }) @Optional() @BoundedInt(0, BYTES_MAX) usedBytes?: number;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2001:db8:100::/56',
    description: 'Explicit delegated prefix; null releases it',
  })
  @OptionalNullable()
  @IsIpv6Prefix(DELEGATED_LENGTHS)
  delegatedPrefix?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2001:db8:1:2::/64',
    description: 'Explicit framed IPv6 prefix; null releases it',
  })
  @OptionalNullable()
  @IsIpv6Prefix(FRAMED_LENGTHS)
  framedIpv6Prefix?: string | null;
}

/** Support's password change for a device. */
export class SetPasswordDto {
  @IsPassword() password!: string;
}

export class RestrictionParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
  @ApiProperty({ example: 'unpaid' }) @Matches(FLAG_RE, { message: 'flag must be a lowercase flag like "unpaid"' }) flag!: string;
}

export class AccountQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Any spelling of the username: matched the way logins are' })
  @Optional()
  @Matches(USERNAME_RE, { message: `username must be ${USERNAME_RULE}` })
  username?: string;
}

export class AccountView {
  @ApiProperty() id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) kind!: AccountKind;
  @ApiProperty({ enum: ACCOUNT_GROUPS }) group!: AccountGroup;
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status!: AccountStatus;
  @ApiProperty({ nullable: true, type: String }) speedProfileId!: string | null;
  @ApiProperty({ nullable: true, type: String }) throttleProfileId!: string | null;
  @ApiProperty({ nullable: true, type: String }) planId!: string | null;
  @ApiProperty({ nullable: true, type: Date }) firstLoginAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) ipPoolId!: string | null;
  @ApiProperty({ nullable: true, type: String }) staticIp!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip6PoolId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2001:db8:100::/56' }) delegatedPrefix!: string | null;
  @ApiProperty({ nullable: true, type: String }) framedIp6PoolId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2001:db8:1:2::/64' }) framedIpv6Prefix!: string | null;
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
