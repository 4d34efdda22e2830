import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from '@app/aaa';
import { EnvSchema } from './env.schema';

export class ConfigError extends Error {}

/** Validates the environment; throws one ConfigError listing every bad variable. */
export function validateEnv(env: NodeJS.ProcessEnv): EnvSchema {
  const parsed = plainToInstance(EnvSchema, env, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: false, forbidUnknownValues: false });
  if (errors.length) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed;
}

/** Reads a generated secret from DATA_DIR, creating it (0600) on first use. */
function persistedSecret(dataDir: string, file: string, make: () => string, onCreate?: () => void): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = make();
  writeFileSync(path, value + '\n', { mode: 0o600 });
  onCreate?.();
  return value;
}

export interface LoadOptions {
  /** Called once when a bootstrap admin token was generated (to say where it is, never to print it). */
  onAdminTokenCreated?: (path: string) => void;
  /** Whether stdout is a terminal: decides the log format when LOG_FORMAT is unset. */
  stdoutIsTTY?: boolean;
}

/** LOG_FORMAT wins; otherwise a person at a terminal gets readable lines and everything else JSON. */
export function resolveLogFormat(value: string | undefined, stdoutIsTTY: boolean): 'json' | 'pretty' {
  if (value === 'json' || value === 'pretty') return value;
  return stdoutIsTTY ? 'pretty' : 'json';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): AppConfig {
  const e = validateEnv(env);
  const dataDir = resolve(e.DATA_DIR ?? './data');
  // 0711: others may traverse (the embedded PostgreSQL runs as its own user when
  // started by root) but not list; every secret file inside is 0600.
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  chmodSync(dataDir, 0o711);
  const token = () => randomBytes(32).toString('base64url');
  const keyText = e.SECRET_KEY ?? persistedSecret(dataDir, 'secret.key', () => randomBytes(32).toString('hex'));
  const secretKey = /^[0-9a-fA-F]{64}$/.test(keyText) ? Buffer.from(keyText, 'hex') : Buffer.from(keyText, 'base64');
  return Object.assign(new AppConfig(), {
    port: e.PORT ?? 3000,
    host: e.HOST ?? '0.0.0.0',
    radiusApiPort: e.RADIUS_API_PORT ?? 3001,
    radiusApiHost: e.RADIUS_API_HOST ?? '127.0.0.1',
    databaseUrl: e.DATABASE_URL ?? '',
    dataDir,
    logLevel: e.LOG_LEVEL ?? 'info',
    logFormat: resolveLogFormat(e.LOG_FORMAT, opts.stdoutIsTTY ?? false),
    metricsToken: e.METRICS_TOKEN,
    docsEnabled: e.DOCS_ENABLED ?? true,
    portalAllowLoopbackUamip: e.PORTAL_ALLOW_LOOPBACK_UAMIP ?? false,
    // Retired (ADMIN_TOKEN_ENABLED=false): no bootstrap token at all, and none generated.
    adminToken:
      e.ADMIN_TOKEN_ENABLED === false
        ? undefined
        : (e.ADMIN_TOKEN ?? persistedSecret(dataDir, 'admin-token', token, () => opts.onAdminTokenCreated?.(join(dataDir, 'admin-token')))),
    radiusApiToken: e.RADIUS_API_TOKEN ?? persistedSecret(dataDir, 'radius-api-token', token),
    secretKey,
    restrictedAddressList: e.RESTRICTED_ADDRESS_LIST ?? 'restricted',
    adminFailsafe: e.ADMIN_FAILSAFE ?? true,
    acctInterimInterval: e.ACCT_INTERIM_INTERVAL ?? 300,
    staleGraceSeconds: e.STALE_GRACE_SECONDS ?? 120,
    sessionArchiveAfterDays: e.SESSION_ARCHIVE_AFTER_DAYS ?? 7,
    sessionHistoryMonths: e.SESSION_HISTORY_MONTHS ?? 0,
    deadLetterRetentionDays: e.DEAD_LETTER_RETENTION_DAYS ?? 30,
    auditLogMonths: e.AUDIT_LOG_MONTHS ?? 0,
    publicUrl: e.PUBLIC_URL,
    trustedProxies: e.TRUSTED_PROXIES ? e.TRUSTED_PROXIES.split(',') : [],
    portalDefaultNasid: e.PORTAL_DEFAULT_NASID,
    rpcTimeoutMs: e.RPC_TIMEOUT_MS ?? 5000,
    accountCacheSize: e.ACCOUNT_CACHE_SIZE ?? 200_000,
    answerCacheTtl: e.RADIUS_ANSWER_CACHE_TTL ?? 600,
    answerCacheControl: controlTargets(e.RADIUS_ANSWER_CACHE_CONTROL ?? '127.0.0.1:18121'),
    answerCacheRepeatMs: e.RADIUS_ANSWER_CACHE_REPEAT_MS ?? 3000,
    panelSessionIdleMinutes: e.PANEL_SESSION_IDLE_MINUTES ?? 30,
    panelSessionMaxHours: e.PANEL_SESSION_MAX_HOURS ?? 12,
    panelInviteHours: e.PANEL_INVITE_HOURS ?? 72,
    panelInviteWebhook: e.PANEL_INVITE_WEBHOOK,
    // The host's zone (TZ) unless told otherwise: what the customers of one operator live in.
    panelTimeZone: e.PANEL_TIME_ZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
}

/** "host:port,[v6]:port" -> targets; the schema already checked the shape. */
function controlTargets(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const i = t.lastIndexOf(':');
      return { host: t.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(t.slice(i + 1)) };
    });
}

/** EMBEDDED_PG_PORT, or undefined: then the embedded server's port is picked on first start and kept in DATA_DIR/pg.port. */
export function embeddedPgPort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return validateEnv(env).EMBEDDED_PG_PORT;
}
