import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { BoundedInt, IsIpAddress, Optional, OptionalNullable, PartialDto, TrimmedText } from '../common/validation';
import { ROUTER_VENDORS, RouterVendor } from './router.entity';

// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

export class CreateRouterDto {
  @ApiProperty({ example: 'Cafe Main Street' }) @TrimmedText(100) name!: string;
  @ApiProperty({ enum: ROUTER_VENDORS }) @IsIn(ROUTER_VENDORS) vendor!: RouterVendor;
  @ApiProperty({ example: 'cafe-01', description: 'NAS-Identifier / uspot nas_id / nasid' })
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'nasIdentifier must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  nasIdentifier!: string;
  @ApiProperty({ example: '203.0.113.7', description: 'Source IP of its RADIUS packets' }) @IsIpAddress() nasIp!: string;
  @ApiPropertyOptional({ writeOnly: true, minLength: 16, maxLength: 128, description: 'Generated (40 chars) when absent' })
  @Optional()
  @MinLength(16)
  @MaxLength(128)
  @Matches(PRINTABLE, { message: 'radiusSecret must be printable' })
  radiusSecret?: string;
  @ApiPropertyOptional({
    writeOnly: true,
    minLength: 8,
    maxLength: 128,
    description: 'uspot/Coova uam_secret; enables md checks and CHAP logins',
  })
  @Optional()
  @MinLength(8)
  @MaxLength(128)
  @Matches(PRINTABLE, { message: 'uamSecret must be printable' })
  uamSecret?: string;
  @ApiPropertyOptional({ type: String, example: 'https://portal.example.org/portal', description: "uspot's exact uam_server string" })
  @OptionalNullable()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  uamServer?: string | null;
  @ApiPropertyOptional() @OptionalNullable() @BoundedInt(1, 65535) uamPort?: number | null;
  @ApiPropertyOptional({ type: String, example: '/logon' }) @OptionalNullable() @Matches(/^\/[A-Za-z0-9._/-]{0,63}$/) loginPath?:
    string | null;
  @ApiPropertyOptional({ default: 3799 }) @Optional() @BoundedInt(1, 65535) coaPort?: number;
  @ApiPropertyOptional({ default: 'captive', pattern: '^[A-Za-z0-9_]{1,32}$' })
  @Optional()
  @Matches(/^[A-Za-z0-9_]{1,32}$/)
  uspotSection?: string;
  @ApiPropertyOptional({ type: String, maxLength: 100 }) @OptionalNullable() @TrimmedText(100) venueName?: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 4000 }) @OptionalNullable() @TrimmedText(4000) termsText?: string | null;
  @ApiPropertyOptional({ type: String, example: '/portal/assets/logo.svg' })
  @OptionalNullable()
  @Matches(/^(https:\/\/[^\s"'<>]{1,500}|\/[A-Za-z0-9._/-]{1,200})$/, { message: 'logoUrl must be an https URL or a path on this server' })
  logoUrl?: string | null;
}

export class UpdateRouterDto extends PartialDto(OmitType(CreateRouterDto, ['radiusSecret', 'uamSecret'] as const)) {
  @ApiPropertyOptional({ writeOnly: true, minLength: 16, maxLength: 128 })
  @Optional()
  @MinLength(16)
  @MaxLength(128)
  @Matches(PRINTABLE)
  radiusSecret?: string;
  @ApiPropertyOptional({ type: String, writeOnly: true, minLength: 8, maxLength: 128, description: 'null removes it' })
  @OptionalNullable()
  @MinLength(8)
  @MaxLength(128)
  @Matches(PRINTABLE)
  uamSecret?: string | null;
}

export class RouterView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROUTER_VENDORS }) vendor!: RouterVendor;
  @ApiProperty() nasIdentifier!: string;
  @ApiProperty() nasIp!: string;
  @ApiProperty() hasUamSecret!: boolean;
  @ApiProperty({ nullable: true, type: String }) uamServer!: string | null;
  @ApiProperty({ nullable: true, type: Number }) uamPort!: number | null;
  @ApiProperty({ nullable: true, type: String }) loginPath!: string | null;
  @ApiProperty() coaPort!: number;
  @ApiProperty() uspotSection!: string;
  @ApiProperty({ nullable: true, type: String }) venueName!: string | null;
  @ApiProperty({ nullable: true, type: String }) termsText!: string | null;
  @ApiProperty({ nullable: true, type: String }) logoUrl!: string | null;
  @ApiProperty() online!: boolean;
  @ApiProperty({ nullable: true, type: Date }) lastSeenAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

/** Returned once, on creation or rotation: the only time secrets leave the API. */
export class RouterWithSecrets extends RouterView {
  @ApiProperty() radiusSecret!: string;
  @ApiProperty({ description: 'Bearer token for GET /routers/ws' }) token!: string;
}
