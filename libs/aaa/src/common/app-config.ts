/**
 * The validated, typed configuration every module reads. Built once at boot by
 * apps/api (see apps/api/src/config) and provided globally, so libs never touch process.env.
 */
export class AppConfig {
  port!: number;
  host!: string;
  /** The dedicated rlm_rest listener FreeRADIUS calls (0 = any free port). Loopback by default. */
  radiusApiPort!: number;
  radiusApiHost!: string;
  /** Set once the database is known: either DATABASE_URL or the embedded server's URL. */
  databaseUrl!: string;
  dataDir!: string;
  logLevel!: string;
  /** `pretty` (human-readable lines) or `json` (one object per line, for collectors). */
  logFormat!: 'json' | 'pretty';
  /** Bearer token /metrics requires; unset = /metrics is open (keep the port off the internet). */
  metricsToken?: string;
  /** Serve Swagger UI at /docs and the OpenAPI document at /docs-json. */
  docsEnabled!: boolean;
  /** Test/dev only: the portal accepts a uamip on 127.x, where fake routers run. */
  portalAllowLoopbackUamip!: boolean;
  /**
   * The bootstrap owner token (ADMIN_TOKEN or DATA_DIR/admin-token); undefined once retired
   * with ADMIN_TOKEN_ENABLED=false, when only operators' personal tokens open the admin API.
   */
  adminToken?: string;
  radiusApiToken!: string;
  /** 32-byte key for encrypting passwords and secrets at rest. */
  secretKey!: Buffer;
  /** Mikrotik-Address-List value that marks a restricted (portal-only) login. */
  restrictedAddressList!: string;
  /** Admin accounts keep authenticating from cache while the DB is down (B050 fail-safe). */
  adminFailsafe!: boolean;
  acctInterimInterval!: number;
  staleGraceSeconds!: number;
  /** Closed sessions move to the monthly history partitions after this many days (0 = never). */
  sessionArchiveAfterDays!: number;
  /** History partitions older than this many whole months are dropped (0 = kept forever). */
  sessionHistoryMonths!: number;
  /** Dead-lettered accounting packets are deleted after this many days (0 = kept forever). */
  deadLetterRetentionDays!: number;
  /** Audit-log months older than this many whole months are dropped (0 = kept forever). */
  auditLogMonths!: number;
  /**
   * Public base URL of this API (https://portal.example.org): the portal's own origin for its
   * CSRF check, and the scheme and host of the URL uspot signs when a router has no uamServer.
   */
  publicUrl?: string;
  /**
   * Reverse proxies (IP addresses or CIDRs) whose X-Forwarded-For/-Proto/-Host the portal
   * believes; from anyone else those headers are ignored.
   */
  trustedProxies!: string[];
  /** nasIdentifier of the router the portal uses for links without a known nasid; unset = such links are refused. */
  portalDefaultNasid?: string;
  /** Reply to an RPC within this many milliseconds or report the router unreachable. */
  rpcTimeoutMs!: number;
  /** Accounts authorize keeps in memory (0 = read PostgreSQL on every request). */
  accountCacheSize!: number;
  /** Longest a FreeRADIUS server may keep an authorize answer (0 = never cache answers there). */
  answerCacheTtl!: number;
  /** FreeRADIUS answer-cache control ports this instance evicts on; empty = never cache answers. */
  answerCacheControl!: { host: string; port: number }[];
  /** Every eviction is sent again after this long, past the REST timeout of a call in flight. */
  answerCacheRepeatMs!: number;
  /** Customer panel (libs/panel): a session ends after this many idle minutes… */
  panelSessionIdleMinutes!: number;
  /** …and this many hours after sign-in, whatever the activity. */
  panelSessionMaxHours!: number;
  /** How long a panel invite link (set your password) stays valid. */
  panelInviteHours!: number;
  /** URL that receives each new panel invite as JSON (the hook for a mailer); unset = the admin hands the link over. */
  panelInviteWebhook?: string;
  /** IANA zone the panel shows times and counts days in. */
  panelTimeZone!: string;
}
