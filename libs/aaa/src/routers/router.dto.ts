import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsIP, IsOptional, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { TrimmedText } from '../common/validation';
import { ROUTER_VENDORS, RouterVendor } from './router.entity';

// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

export class CreateRouterDto {
  @ApiProperty({ example: 'Cafe Main Street' }) @TrimmedText(100) name!: string;
  @ApiProperty({ enum: ROUTER_VENDORS }) @IsIn(ROUTER_VENDORS) vendor!: RouterVendor;
  @ApiProperty({ example: 'cafe-01', description: 'NAS-Identifier / uspot nas_id / nasid' })
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'nasIdentifier must be 1-64 characters of A-Z a-z 0-9 . _ : -' })
  nasIdentifier!: string;
  @ApiProperty({ example: '203.0.113.7', description: 'Source IP of its RADIUS packets' }) @IsIP() nasIp!: string;
  @ApiPropertyOptional({ writeOnly: true, description: 'Generated (40 chars) when absent' })
  @IsOptional()
  @MinLength(16)
  @MaxLength(128)
  @Matches(PRINTABLE, { message: 'radiusSecret must be printable' })
  radiusSecret?: string;
  @ApiPropertyOptional({ writeOnly: true, description: 'uspot/Coova uam_secret; enables md checks and CHAP logins' })
  @IsOptional()
  @MinLength(8)
  @MaxLength(128)
  @Matches(PRINTABLE, { message: 'uamSecret must be printable' })
  uamSecret?: string;
  @ApiPropertyOptional({ example: 'https://portal.example.org/portal', description: "uspot's exact uam_server string" })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  uamServer?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 65535 }) @IsOptional() @IsInt() @Min(1) @Max(65535) uamPort?: number;
  @ApiPropertyOptional({ example: '/logon' }) @IsOptional() @Matches(/^\/[A-Za-z0-9._/-]{0,63}$/) loginPath?: string;
  @ApiPropertyOptional({ default: 3799 }) @IsOptional() @IsInt() @Min(1) @Max(65535) coaPort?: number;
  @ApiPropertyOptional({ default: 'captive' }) @IsOptional() @Matches(/^[A-Za-z0-9_]{1,32}$/) uspotSection?: string;
  @ApiPropertyOptional({
    default: true,
    description:
      'Drop Access-Requests without Message-Authenticator (BlastRADIUS, CVE-2024-3596). Turn off only for a NAS that cannot send it; ' +
      'RouterOS 7.15+ (`/radius set require-message-auth=yes`), uspot/radcli and CoovaChilli send it. Takes effect within a minute.',
  })
  // Absent = unchanged/default; null is not a boolean (400).
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  requireMessageAuthenticator?: boolean;
  @ApiPropertyOptional() @IsOptional() @TrimmedText(100) venueName?: string;
  @ApiPropertyOptional() @IsOptional() @TrimmedText(4000) termsText?: string;
  @ApiPropertyOptional({ example: '/portal/assets/logo.svg' })
  @IsOptional()
  @Matches(/^(https:\/\/[^\s"'<>]{1,500}|\/[A-Za-z0-9._/-]{1,200})$/, { message: 'logoUrl must be an https URL or a path on this server' })
  logoUrl?: string;
}

export class UpdateRouterDto extends PartialType(
  OmitType(CreateRouterDto, ['radiusSecret', 'uamSecret', 'requireMessageAuthenticator'] as const),
) {
  // Redeclared: PartialType would let null through to a NOT NULL column.
  @ApiPropertyOptional({ description: 'See POST' })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  requireMessageAuthenticator?: boolean;
  @ApiPropertyOptional({ writeOnly: true }) @IsOptional() @MinLength(16) @MaxLength(128) @Matches(PRINTABLE) radiusSecret?: string;
  @ApiPropertyOptional({ writeOnly: true, nullable: true })
  @IsOptional()
  @MinLength(8)
  @MaxLength(128)
  @Matches(PRINTABLE)
  uamSecret?: string;
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
  @ApiProperty({ description: 'Access-Requests without Message-Authenticator are dropped' }) requireMessageAuthenticator!: boolean;
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
