/** What the start-up block is built from; everything is known once the app listens. */
export interface StartupFacts {
  /** HOST and the port actually bound (PORT=0 picks one). */
  host: string;
  port: number;
  /** The RADIUS listener as bound, e.g. http://127.0.0.1:3001. */
  radiusApiUrl: string;
  dataDir: string;
  /** The directory `npm run radius` and `npm start` mean by `./data` (the project root's). */
  defaultDataDir: string;
  /** Where the admin token is kept; undefined when ADMIN_TOKEN is set. */
  adminTokenFile?: string;
  adminTokenCreated: boolean;
  /** ADMIN_TOKEN_ENABLED=false: the bootstrap token is retired, operators use personal tokens. */
  adminTokenRetired?: boolean;
  /** RADIUS_API_TOKEN came from the environment, not DATA_DIR/radius-api-token. */
  radiusTokenFromEnv: boolean;
  answerCacheControl: { host: string; port: number }[];
  docsEnabled: boolean;
  metricsProtected: boolean;
}

/** run.sh's own defaults: the parts of the command that match them are left out. */
const RUN_SH_API_URL = 'http://127.0.0.1:3001';
const RUN_SH_CONTROL_PORT = 18121;
const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** A wildcard bind is reached on loopback from the same machine. */
function reachable(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function forPeople(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : reachable(host);
}

/** Double-quotes a value for a POSIX shell only when it needs it. */
function sh(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * The exact `npm run radius` line that points FreeRADIUS at this instance: the same data
 * dir (where run.sh finds the RADIUS token), this RADIUS listener and this instance's
 * answer-cache control port. Defaults run.sh already uses are left out.
 */
export function radiusCommand(f: StartupFacts): string {
  const env: string[] = [];
  if (f.dataDir !== f.defaultDataDir) env.push(`DATA_DIR=${sh(f.dataDir)}`);
  // The token itself is never printed: the shell that started the API has it.
  if (f.radiusTokenFromEnv) env.push('RADIUS_API_TOKEN="$RADIUS_API_TOKEN"');
  const u = new URL(f.radiusApiUrl);
  const apiUrl = `http://${reachable(u.hostname)}:${u.port}`;
  if (apiUrl !== RUN_SH_API_URL) env.push(`API_URL=${apiUrl}`);
  const control = f.answerCacheControl;
  // No control port to evict through: FreeRADIUS must not cache (and need not open one).
  if (control.length === 0) env.push('RADIUS_ANSWER_CACHE=0');
  else if (control.length === 1 && LOOPBACK.test(control[0].host) && control[0].port !== RUN_SH_CONTROL_PORT) {
    env.push(`RADIUS_CONTROL_PORT=${control[0].port}`);
  }
  return [...env, 'npm run radius'].join(' ');
}

export interface StartupSummary {
  /** First line; also the JSON record's message. */
  headline: string;
  /** The block for a terminal. */
  lines: string[];
  /** The same facts as fields of one JSON log record. */
  fields: Record<string, string | boolean>;
}

/** One short block: where to go, where the admin token is, how to start FreeRADIUS. */
export function startupSummary(f: StartupFacts): StartupSummary {
  const base = `http://${forPeople(f.host)}:${f.port}`;
  // Where it is, never what it is: stdout ends up in log files.
  const token = f.adminTokenRetired
    ? 'retired (ADMIN_TOKEN_ENABLED=false): personal operator tokens only'
    : f.adminTokenFile
      ? `in ${f.adminTokenFile}${f.adminTokenCreated ? ' (generated now)' : ''}`
      : 'from ADMIN_TOKEN';
  const radius = radiusCommand(f);
  const docs = f.docsEnabled ? `${base}/docs` : 'off (DOCS_ENABLED=false)';
  const metrics = f.metricsProtected
    ? `${base}/metrics (bearer METRICS_TOKEN)`
    : `${base}/metrics (open: set METRICS_TOKEN, or keep this port off the internet)`;
  const headline = `API listening on ${base}`;
  const rows: [string, string][] = [
    ['Admin API', `${base}/api`],
    ['Admin token', token],
    ['Swagger UI', docs],
    ['Portal', `${base}/portal`],
    ['Panel', `${base}/panel (customers)`],
    ['Metrics', metrics],
    ['FreeRADIUS', radius],
  ];
  return {
    headline,
    lines: ['', headline, ...rows.map(([k, v]) => `  ${k.padEnd(12)}${v}`), ''],
    fields: {
      api: `${base}/api`,
      adminTokenFile: f.adminTokenRetired ? 'retired (ADMIN_TOKEN_ENABLED=false)' : (f.adminTokenFile ?? 'ADMIN_TOKEN (environment)'),
      ...(f.adminTokenCreated ? { adminTokenGenerated: true } : {}),
      docs,
      portal: `${base}/portal`,
      panel: `${base}/panel`,
      metrics: `${base}/metrics`,
      metricsProtected: f.metricsProtected,
      radiusCommand: radius,
    },
  };
}
