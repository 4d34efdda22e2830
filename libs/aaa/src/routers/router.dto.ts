import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsUrl, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { BoundedInt, IsIpAddress, Optional, OptionalNullable, PartialDto, TrimmedText } from '../common/validation';
import { isIpv4, parseCidr } from '../ip-pools/ipv4';
import { PORTAL_MODES, PortalMode, ROUTER_VENDORS, RouterVendor } from './router.entity';

// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

/**
 * uspot's `nasid` and a RouterOS identity are free text ("Cafe Bar 1"): any printable
 * characters, at most 253 bytes (a RADIUS attribute). Control, format, private-use and
 * unassigned characters, lone surrogates, line separators and surrounding blanks are refused,
 * because two identities that look the same must not be two routers.
 */
export function isNasIdentifier(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    Buffer.byteLength(value, 'utf8') <= 253 &&
    !/[\p{C}\p{Zl}\p{Zp}]/u.test(value) &&
    !/^\s|\s$/u.test(value)
  );
}

/** One entry of uamAddresses: an IPv4 address, or an IPv4 network in CIDR form (10.1.0.0/16). */
export function isUamAddress(value: unknown): boolean {
  return typeof value === 'string' && (isIpv4(value) || parseCidr(value) !== null);
}

/** `null` clears the list (the column is NOT NULL); entries are kept once, in order. */
const uamAddressList = ({ value }: { value: unknown }) => (value === null ? [] : Array.isArray(value) ? [...new Set(value)] : value);
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const lowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

export class CreateRouterDto {
  @ApiProperty({ example: 'Cafe Main Street' }) @TrimmedText(100) name!: string;
  @ApiProperty({ enum: ROUTER_VENDORS }) @IsIn(ROUTER_VENDORS) vendor!: RouterVendor;
  @ApiProperty({
    example: 'Cafe Bar 1',
    maxLength: 253,
    description: 'NAS-Identifier: uspot `nasid`, RouterOS identity, Coova `radiusnasid`. Printable text, spaces allowed',
  })
  @ValidateBy({
    name: 'isNasIdentifier',
    validator: {
      validate: isNasIdentifier,
      defaultMessage: () => 'nasIdentifier must be 1-253 bytes of printable text, no surrounding blanks',
    },
  })
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
  @ApiPropertyOptional({
    type: [String],
    example: ['10.5.50.1', '10.6.0.0/16'],
    maxItems: 32,
    nullable: true,
    description:
      'Where the router answers portal logins (uamip / hotspot address): IPv4 addresses or CIDRs. The portal refuses links ' +
      'pointing anywhere else; empty (or null) = no portal logins. Prefer single addresses: every host in a CIDR could receive passwords',
  })
  @Optional()
  @Transform(uamAddressList)
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateBy({
    name: 'isUamAddress',
    validator: {
      validate: (v: unknown[]) => v.every(isUamAddress),
      defaultMessage: () => 'each uamAddresses entry must be an IPv4 address or network (a.b.c.d/n)',
    },
  })
  uamAddresses?: string[];
  @ApiPropertyOptional({
    example: 'hotspot.cafe.example',
    nullable: true,
    description: 'Hotspot DNS name (MikroTik dns-name), also accepted as the login target',
  })
  @OptionalNullable()
  @Transform(lowerCase)
  @Matches(HOSTNAME, { message: 'uamHostname must be a DNS name' })
  uamHostname?: string | null;
  @ApiPropertyOptional({ type: String, example: '/logon' }) @OptionalNullable() @Matches(/^\/[A-Za-z0-9._/-]{0,63}$/) loginPath?:
    string | null;
  @ApiPropertyOptional({ default: 3799 }) @Optional() @BoundedInt(1, 65535) coaPort?: number;
  @ApiPropertyOptional({ default: 'captive', pattern: '^[A-Za-z0-9_]{1,32}$' })
  @Optional()
  @Matches(/^[A-Za-z0-9_]{1,32}$/)
  uspotSection?: string;
  @ApiPropertyOptional({
    default: true,
    description:
      'Drop Access-Requests without Message-Authenticator (BlastRADIUS, CVE-2024-3596). Turn off only for a NAS that cannot send it; ' +
      'RouterOS 7.15+ (`/radius set require-message-auth=yes`), uspot/radcli and CoovaChilli send it. Takes effect within a minute.',
  })
  @Optional()
  @IsBoolean()
  requireMessageAuthenticator?: boolean;
  @ApiPropertyOptional({ type: String, maxLength: 100 }) @OptionalNullable() @TrimmedText(100) venueName?: string | null;
  @ApiPropertyOptional({ type: String, maxLength: 4000 }) @OptionalNullable() @TrimmedText(4000) termsText?: string | null;
  @ApiPropertyOptional({ type: String, example: '/portal/assets/logo.svg' })
  @OptionalNullable()
  @Matches(/^(https:\/\/[^\s"'<>]{1,500}|\/[A-Za-z0-9._/-]{1,200})$/, { message: 'logoUrl must be an https URL or a path on this server' })
  logoUrl?: string | null;
  @ApiPropertyOptional({
    enum: PORTAL_MODES,
    default: 'password',
    description: 'voucher: the portal asks for one code and logs in with it as username and password (hotspot vouchers)',
  })
  @Optional()
  @IsIn(PORTAL_MODES)
  portalMode?: PortalMode;
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
  @ApiProperty({ type: [String] }) uamAddresses!: string[];
  @ApiProperty({ nullable: true, type: String }) uamHostname!: string | null;
  @ApiProperty({ nullable: true, type: String }) loginPath!: string | null;
  @ApiProperty() coaPort!: number;
  @ApiProperty() uspotSection!: string;
  @ApiProperty({ description: 'Access-Requests without Message-Authenticator are dropped' }) requireMessageAuthenticator!: boolean;
  @ApiProperty({ nullable: true, type: String }) venueName!: string | null;
  @ApiProperty({ nullable: true, type: String }) termsText!: string | null;
  @ApiProperty({ nullable: true, type: String }) logoUrl!: string | null;
  @ApiProperty({ enum: PORTAL_MODES }) portalMode!: PortalMode;
  @ApiProperty() online!: boolean;
  @ApiProperty({ nullable: true, type: Date }) lastSeenAt!: Date | null;
  @ApiProperty() createdAt!: Date;
}

/** Returned once, on creation or rotation: the only time secrets leave the API. */
export class RouterWithSecrets extends RouterView {
  @ApiProperty() radiusSecret!: string;
  @ApiProperty({ description: 'Bearer token for GET /routers/ws' }) token!: string;
}
