import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { parseTrustedProxies } from '@app/aaa';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;
// Compose files and shell scripts pass unset variables as "": treat them as unset.
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

const IsTrustedProxyList = (opts: ValidationOptions) =>
  ValidateBy(
    { name: 'isTrustedProxyList', validator: { validate: (v) => typeof v === 'string' && parseTrustedProxies(v) !== null } },
    opts,
  );

const IsTimeZone = (opts: ValidationOptions) =>
  ValidateBy({ name: 'isTimeZone', validator: { validate: (v) => typeof v === 'string' && isTimeZone(v) } }, opts);

/** Whether Intl knows the zone (what the panel formats dates and days with). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every environment variable the API reads, with its rule. Unknown variables are ignored. */
export class EnvSchema {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) RADIUS_API_PORT?: number;
  @IsOptional() @IsIP() RADIUS_API_HOST?: string;
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;
  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' }) LOG_FORMAT?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  @MaxLength(512)
  @Matches(/^[\x21-\x7e]+$/, { message: 'METRICS_TOKEN must be printable ASCII without spaces' })
  METRICS_TOKEN?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() DOCS_ENABLED?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() PORTAL_ALLOW_LOOPBACK_UAMIP?: boolean;
  @IsOptional() @IsString() @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' }) @MaxLength(512) ADMIN_TOKEN?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() ADMIN_TOKEN_ENABLED?: boolean;
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'RADIUS_API_TOKEN must be at least 16 characters' })
  @MaxLength(512)
  RADIUS_API_TOKEN?: string;
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: 'SECRET_KEY must be 32 bytes as 64 hex characters or base64' })
  SECRET_KEY?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'RESTRICTED_ADDRESS_LIST must be 1-64 of A-Z a-z 0-9 _ . -' })
  RESTRICTED_ADDRESS_LIST?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() ADMIN_FAILSAFE?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(86400) ACCT_INTERIM_INTERVAL?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(86400) STALE_GRACE_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3650) SESSION_ARCHIVE_AFTER_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1200) SESSION_HISTORY_MONTHS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3650) DEAD_LETTER_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1200) AUDIT_LOG_MONTHS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) EMBEDDED_PG_PORT?: number;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_URL?: string;
  @IsOptional()
  @Matches(/^$|^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$/, { message: 'TRUSTED_PROXIES must be IP addresses or CIDRs, comma-separated' })
  @IsTrustedProxyList({ message: 'TRUSTED_PROXIES has an entry that is not an IP address or CIDR (a.b.c.d/n, v6/n)' })
  TRUSTED_PROXIES?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(253) PORTAL_DEFAULT_NASID?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60000) RPC_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(10_000_000) ACCOUNT_CACHE_SIZE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(86400) RADIUS_ANSWER_CACHE_TTL?: number;
  @IsOptional()
  @Matches(/^$|^[A-Za-z0-9.:[\]-]+:\d{1,5}(,[A-Za-z0-9.:[\]-]+:\d{1,5})*$/, {
    message: 'RADIUS_ANSWER_CACHE_CONTROL must be host:port[,host:port...] (empty = off)',
  })
  RADIUS_ANSWER_CACHE_CONTROL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(500) @Max(60000) RADIUS_ANSWER_CACHE_REPEAT_MS?: number;
  // The customer panel (libs/panel).
  @IsOptional() @Transform(toInt) @IsInt() @Min(5) @Max(1440) PANEL_SESSION_IDLE_MINUTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(720) PANEL_SESSION_MAX_HOURS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(720) PANEL_INVITE_HOURS?: number;
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'PANEL_INVITE_WEBHOOK must be an http(s) URL' },
  )
  PANEL_INVITE_WEBHOOK?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsTimeZone({ message: 'PANEL_TIME_ZONE must be an IANA time zone such as Europe/Berlin or UTC' })
  PANEL_TIME_ZONE?: string;
}
