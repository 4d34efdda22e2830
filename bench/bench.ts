/**
 * `npm run bench`: PostgreSQL (embedded), the API and FreeRADIUS with the project's
 * config, N accounts, real RADIUS traffic from radclient, then the same traffic
 * against the classic FreeRADIUS + rlm_sql stack. See docs/BENCHMARKS.md.
 *
 *   npm run bench                      10,000 accounts, full run, writes docs/BENCHMARKS.md
 *   npm run bench -- --smoke           a few hundred packets, prints only (CI)
 *   npm run bench -- --scale           authorize latency at 10k vs 1M accounts + 100k open sessions
 *   npm run bench -- --vouchers        only: create and print a batch of 10,000 vouchers
 *   options: --accounts N  --parallel P  --no-baseline  --no-write
 *            --plan (every account on a daily plan with limits: accounting books period usage)
 */
import 'reflect-metadata';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../apps/api/src/database/embedded-postgres';
import { freePortOutsideEphemeral } from '../apps/api/src/database/free-port';
import { AdminClient, bulkInsertAccounts } from './admin';
import { ApiLatency, latencyBetween, scrapeBuckets } from './api-latency';
import { CpuGroups, freePort, measureCpu, peakRssMiB, Proc, ROOT, spawnUntil } from './processes';
import { PhaseResult, renderReport, RunReport, updateDoc } from './report';
import { explainHotQueries, ScaleSeed, seedScale } from './scale';
import {
  acctPacket,
  authPacket,
  authProbePacket,
  BenchUser,
  interimProbePacket,
  makeUsers,
  probe,
  ProbeResult,
  radclientRun,
} from './traffic';
import { benchVouchers, renderVoucherBench } from './vouchers';

interface Options {
  accounts: number;
  parallel: number;
  smoke: boolean;
  scale: boolean;
  vouchers: boolean;
  plan: boolean;
  baseline: boolean;
  write: boolean;
  probeSeconds: number;
}

function parseArgs(argv: string[]): Options {
  const has = (f: string) => argv.includes(f);
  const val = (f: string) => {
    const i = argv.indexOf(f);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const smoke = has('--smoke');
  const o: Options = {
    smoke,
    scale: has('--scale'),
    vouchers: has('--vouchers'),
    plan: has('--plan'),
    accounts: val('--accounts') ?? (smoke ? 300 : 10_000),
    parallel: val('--parallel') ?? 128,
    baseline: !has('--no-baseline') && !has('--scale') && baselineAvailable(),
    write: !smoke && !has('--no-write'),
    probeSeconds: smoke ? 1 : 4,
  };
  if (!Number.isInteger(o.accounts) || o.accounts < 10) throw new Error('--accounts must be an integer >= 10');
  return o;
}

/** The classic stack's script lives beside the repository, not in it. */
const BASELINE_SCRIPT = '../shared/bench/baseline-rlm-sql.sh';

function baselineAvailable(): boolean {
  if (existsSync(join(ROOT, BASELINE_SCRIPT))) return true;
  process.stdout.write(`[bench] ${BASELINE_SCRIPT} not found: measuring this stack only, without baseline ratios\n`);
  return false;
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const RADIUS_API_TOKEN = 'bench-radius-token-0123456789';
const SECRET_KEY = '6c1f0e0d2b3a49587766554433221100ffeeddccbbaa99887766554433221100';
const RADIUS_SECRET = 'bench-radius-secret-0123456789';

const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);

interface Target {
  name: string;
  authPort: number;
  acctPort: number;
  secret: string;
  cpu: CpuGroups;
  /** Our API's main URL, for its latency histogram; the baseline has none. */
  apiUrl?: string;
}

const apiText = (a?: ApiLatency) => (a ? `; inside the API p50 ${a.p50} ms, p99 ${a.p99} ms` : '');

/** Runs a probe and, for our stack, reads the API's own latency over the same window. */
async function probeWithApi(t: Target, path: string, run: () => Promise<ProbeResult>): Promise<ProbeResult & { api?: ApiLatency }> {
  const before = t.apiUrl ? await scrapeBuckets(t.apiUrl, path) : undefined;
  const result = await run();
  if (!t.apiUrl || !before) return result;
  return { ...result, api: latencyBetween(before, await scrapeBuckets(t.apiUrl, path)) };
}

const PHASES = [
  'Access-Request (PAP), first login',
  'Access-Request (PAP), repeat login',
  'Accounting Start',
  'Accounting Interim-Update',
  'Accounting Stop',
] as const;
type Phase = (typeof PHASES)[number];
type Verify = (phase: 'Start' | 'Interim-Update' | 'Stop') => Promise<string | null>;

/** Dynamic client lookup, connection pools, JIT. */
async function warmUp(t: Target, users: BenchUser[], dir: string): Promise<void> {
  const auth = { port: t.authPort, kind: 'auth' as const, secret: t.secret };
  await radclientRun(join(dir, `${t.name}-packets.txt`), users.slice(0, Math.min(200, users.length)).map(authPacket), auth, {
    parallel: 16,
  });
}

/**
 * One phase on one stack. Each account logs in twice. A first login goes through
 * FreeRADIUS to the API, which reads the account from PostgreSQL (it was bulk-loaded
 * behind the API's back); a repeat login is answered by FreeRADIUS's answer cache
 * alone, so "inside our API" then says "not called".
 */
async function runPhase(t: Target, phase: Phase, users: BenchUser[], o: Options, dir: string, verify?: Verify): Promise<PhaseResult> {
  const file = join(dir, `${t.name}-packets.txt`);
  if (phase.startsWith('Access-Request')) {
    const auth = { port: t.authPort, kind: 'auth' as const, secret: t.secret };
    const load = await measureCpu(t.cpu, () => radclientRun(file, users.map(authPacket), auth, { parallel: o.parallel }));
    log(`${t.name} ${phase}: ${load.result.rate}/s, lost ${load.result.lost}, rejected ${load.result.rejected}`);
    // The first-login probe logs each user in from a second device, which FreeRADIUS
    // never answers from memory (answers are kept for one device per user): it measures
    // the path through the API. The repeat-login probe measures the answer cache.
    const firstLogin = phase.endsWith('first login');
    const p = await probeWithApi(t, '/radius/authorize', () =>
      probe({ port: t.authPort, secret: t.secret }, Math.max(1, Math.round(load.result.rate / 2)), o.probeSeconds, (n) => {
        const u = users[n % users.length];
        return authProbePacket(firstLogin ? { ...u, mac: u.mac.replace(/01$/, '02') } : u);
      }),
    );
    log(`${t.name} auth probe @${p.rate}/s: p50 ${p.p50} ms, p99 ${p.p99} ms, lost ${p.lost}${apiText(p.api)}`);
    return { phase, load: load.result, cpu: load.cpu, probe: p };
  }
  const status = phase.slice('Accounting '.length) as 'Start' | 'Interim-Update' | 'Stop';
  const acct = { port: t.acctPort, kind: 'acct' as const, secret: t.secret };
  const packets = users.map((u, i) => acctPacket(u, i, status, status === 'Stop' ? 50 : 1));
  const load = await measureCpu(t.cpu, () => radclientRun(file, packets, acct, { parallel: o.parallel }));
  const check = verify ? await verify(status) : null;
  log(`${t.name} acct ${status}: ${load.result.rate}/s, lost ${load.result.lost}${check ? ` (${check})` : ''}`);
  if (status !== 'Interim-Update') return { phase, load: load.result, cpu: load.cpu, check: check ?? undefined };
  const p = await probeWithApi(t, '/radius/accounting', () =>
    probe({ port: t.acctPort, secret: t.secret }, Math.max(1, Math.round(load.result.rate / 2)), o.probeSeconds, (n) =>
      interimProbePacket(users[n % users.length], n % users.length, 2 + Math.floor(n / users.length)),
    ),
  );
  log(`${t.name} interim probe @${p.rate}/s: p50 ${p.p50} ms, p99 ${p.p99} ms, lost ${p.lost}${apiText(p.api)}`);
  return { phase, load: load.result, cpu: load.cpu, probe: p, check: check ?? undefined };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'aaa-bench-'));
  chmodSync(dir, 0o711); // the embedded server runs as its own user under root
  const procs: Proc[] = [];
  let pgStop: (() => Promise<void>) | undefined;
  const cleanup = async () => {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    // BENCH_LOG_DIR=dir keeps the API's and FreeRADIUS's output.
    if (process.env.BENCH_LOG_DIR) procs.forEach((p, i) => writeFileSync(join(process.env.BENCH_LOG_DIR!, `proc-${i}.log`), p.output()));
    await pgStop?.().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    log(
      o.vouchers
        ? `${cpus().length} cores, vouchers only${o.smoke ? ', smoke' : ''}`
        : `${cpus().length} cores, ${o.accounts} accounts, radclient -p ${o.parallel}${o.smoke ? ', smoke' : ''}${o.scale ? ', scale' : ''}`,
    );
    // Outside the ephemeral range, like the API's own embedded server (a client could connect to itself).
    const pgPort = await freePortOutsideEphemeral();
    const pg = await startEmbeddedPostgres(join(dir, 'pg'), pgPort, 'radius');
    pgStop = pg.stop;
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    db.on('error', () => undefined); // the server stops before this client at the end
    const pgPid = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

    const apiPort = await freePort();
    const radiusApiPort = await freePort();
    const controlPort = await freePort();
    // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API under load.
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const api = await spawnUntil('API', process.execPath, [...nodeArgs, 'dist/apps/api/src/main.js'], {
      env: {
        ...process.env,
        DATABASE_URL: pg.url,
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        RADIUS_API_PORT: String(radiusApiPort),
        RADIUS_ANSWER_CACHE_CONTROL: `127.0.0.1:${controlPort}`,
        // --scale measures the database path: every authorize reads PostgreSQL.
        ...(o.scale ? { ACCOUNT_CACHE_SIZE: '0', RADIUS_ANSWER_CACHE_TTL: '0' } : {}),
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN,
        RADIUS_API_TOKEN,
        SECRET_KEY,
        DATA_DIR: join(dir, 'api'),
      },
      ready: 'API listening',
    });
    procs.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const admin = new AdminClient(apiUrl, ADMIN_TOKEN);
    if (o.vouchers) {
      const v = await benchVouchers(admin, apiUrl, ADMIN_TOKEN, o.smoke ? 300 : 10_000);
      const md = `Run on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${(cpus()[0]?.model ?? '').trim()}). ${renderVoucherBench(v)}`;
      process.stdout.write(`\n${md}\n`);
      if (o.write) updateDoc(join(ROOT, 'docs/BENCHMARKS.md'), 'vouchers', md);
      await db.end();
      return;
    }
    const customer = await admin.post<{ id: string }>('/api/customers', { name: 'Bench' });
    const router = await admin.post<{ id: string }>('/api/routers', {
      name: 'Bench NAS',
      vendor: 'generic',
      nasIdentifier: 'bench-nas',
      nasIp: '127.0.0.1',
      radiusSecret: RADIUS_SECRET,
    });
    const users = makeUsers(o.accounts);
    const t0 = Date.now();
    // The first ones through the admin API (validation, vault, NT hash); the API does
    // about 100/s (one transaction each), so the rest take the fast path.
    const viaApi = Math.min(users.length, 200);
    await admin.createAccounts(customer.id, users.slice(0, viaApi), 16);
    const createRate = Math.round(viaApi / ((Date.now() - t0) / 1000));
    await bulkInsertAccounts(db, customer.id, users.slice(viaApi), SECRET_KEY);
    if (o.plan) {
      // Limits far above what the bench sends: every login is accepted, every packet booked.
      const plan = await admin.post<{ id: string }>('/api/plans', {
        name: 'Bench daily',
        dataBytes: 1e15,
        timeSeconds: 2e9,
        period: 'daily',
        timezone: 'Europe/Berlin',
      });
      await db.query('UPDATE accounts SET plan_id = $1', [plan.id]);
      log('every account is on a daily plan');
    }
    await db.query('ANALYZE accounts');
    log(`created ${viaApi} accounts through the API (${createRate}/s) and ${users.length - viaApi} in bulk`);

    const frPorts = { auth: await freePort(), acct: await freePort() };
    const fr = await spawnUntil('FreeRADIUS', 'bash', ['freeradius/run.sh'], {
      env: {
        ...process.env,
        API_URL: `http://127.0.0.1:${radiusApiPort}`,
        RADIUS_API_TOKEN,
        RADIUS_AUTH_PORT: String(frPorts.auth),
        RADIUS_ACCT_PORT: String(frPorts.acct),
        RADIUS_BIND: '127.0.0.1',
        RADIUS_CONTROL_PORT: String(controlPort),
        DATA_DIR: join(dir, 'radius'),
      },
      ready: 'Ready to process requests',
    });
    procs.push(fr);
    // The API retries its answer-cache control port every second until FreeRADIUS is
    // up, then drops everything twice (now and after RADIUS_ANSWER_CACHE_REPEAT_MS, 3 s):
    // let both pass, or the second would empty the cache in the middle of a phase.
    if (!o.scale) await new Promise((r) => setTimeout(r, 4500));
    const cpuOf = (frPid: number): CpuGroups => ({
      freeradius: (pid) => (pid === frPid ? 'own' : null),
      api: (pid) => (pid === api.pid ? 'own' : null),
      // the postmaster's waited-for children: backends that exited during the phase
      postgres: (pid, comm) => (pid === pgPid ? 'both' : comm === 'postgres' ? 'own' : null),
      radclient: (pid) => (pid === process.pid ? 'children' : null),
    });
    const ours: Target = {
      name: 'ours',
      authPort: frPorts.auth,
      acctPort: frPorts.acct,
      secret: RADIUS_SECRET,
      cpu: cpuOf(fr.pid),
      apiUrl,
    };

    if (o.scale) {
      const report = await scaleRun(o, ours, users, db, router.id, dir);
      report.apiPeakRssMiB = peakRssMiB(api.pid);
      if (o.write) updateDoc(join(ROOT, 'docs/BENCHMARKS.md'), 'scale', report.markdown);
      process.stdout.write(`\n${report.markdown}\n`);
      await db.end();
      return;
    }

    const verify = async (phase: 'Start' | 'Interim-Update' | 'Stop') => {
      const expect = phase === 'Stop' ? 'stopped_at IS NOT NULL' : phase === 'Start' ? 'stopped_at IS NULL' : 'session_time = 60';
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM sessions WHERE router_id = $1 AND ${expect}`, [router.id]);
      if (process.env.BENCH_DEBUG) {
        const st = await db.query(
          `SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname IN ('sessions', 'accounts')`,
        );
        log(JSON.stringify(st.rows));
      }
      return `${rows[0].n}/${users.length} rows in PostgreSQL`;
    };
    // Both stacks run side by side and take turns phase by phase, so each ratio compares
    // two measurements from the same minute of this (noisy, shared) machine.
    const base = o.baseline ? await startBaseline(users, dir, serverUrl(pg.url), pgPid) : undefined;
    if (base) procs.push(base.proc);
    const oursResults: PhaseResult[] = [];
    const baseResults: PhaseResult[] | undefined = base ? [] : undefined;
    await warmUp(ours, users, dir);
    if (base) await warmUp(base.target, users, dir);
    for (const phase of PHASES) {
      oursResults.push(await runPhase(ours, phase, users, o, dir, verify));
      if (base) baseResults!.push(await runPhase(base.target, phase, users, o, dir));
    }
    const vouchers = await benchVouchers(admin, apiUrl, ADMIN_TOKEN, o.smoke ? 300 : 10_000);
    log(renderVoucherBench(vouchers));
    const apiRss = peakRssMiB(api.pid);

    const report: RunReport = {
      date: new Date().toISOString().slice(0, 10),
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? '',
      accounts: o.accounts,
      parallel: o.parallel,
      smoke: o.smoke,
      createRate,
      apiPeakRssMiB: apiRss,
      ours: oursResults,
      baseline: baseResults,
      vouchers,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    const md = renderReport(report);
    process.stdout.write(`\n${md}\n`);
    if (o.write) {
      updateDoc(join(ROOT, 'docs/BENCHMARKS.md'), 'results', md);
      log('results written to docs/BENCHMARKS.md');
    }
    const lost = oursResults.reduce((n, r) => n + r.load.lost + (r.probe?.lost ?? 0), 0);
    if (lost) log(`WARNING: ${lost} packets lost`);
    await db.end();
  } finally {
    await cleanup();
  }
}

/** The classic stack, same users and packets: FreeRADIUS + rlm_sql on the same PostgreSQL server. */
/** The same server, its `postgres` database: the baseline script creates its own database there. */
function serverUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

async function startBaseline(users: BenchUser[], dir: string, pgUrl: string, pgPid: number): Promise<{ target: Target; proc: Proc }> {
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, users.map((u) => `${u.username},${u.password},${u.framedIp}`).join('\n') + '\n');
  const ports = { auth: await freePort(), acct: await freePort() };
  const secret = 'baseline-secret';
  const proc = await spawnUntil('baseline FreeRADIUS', 'bash', [BASELINE_SCRIPT, csv, join(dir, 'baseline')], {
    env: {
      ...process.env,
      PG_URL: pgUrl,
      AUTH_PORT: String(ports.auth),
      ACCT_PORT: String(ports.acct),
      SECRET: secret,
    },
    ready: 'Ready to process requests',
    timeoutMs: 120_000,
  });
  const target: Target = {
    name: 'baseline',
    authPort: ports.auth,
    acctPort: ports.acct,
    secret,
    cpu: {
      freeradius: (pid) => (pid === proc.pid ? 'own' : null),
      postgres: (pid, comm) => (pid === pgPid ? 'both' : comm === 'postgres' ? 'own' : null),
      radclient: (pid) => (pid === process.pid ? 'children' : null),
    },
  };
  return { target, proc };
}

async function scaleRun(o: Options, ours: Target, users: BenchUser[], db: Client, routerId: string, dir: string) {
  // The probe rate is fixed for both sizes: half the maximum measured on the small database.
  let rate = 0;
  const measure = async (label: string) => {
    const load = await measureCpu(ours.cpu, () =>
      radclientRun(
        join(dir, 'scale.txt'),
        users.map(authPacket),
        { port: ours.authPort, kind: 'auth', secret: ours.secret },
        { parallel: o.parallel },
      ),
    );
    rate ||= Math.max(1, Math.round(load.result.rate / 2));
    const p = await probe({ port: ours.authPort, secret: ours.secret }, rate, o.probeSeconds, (n) =>
      authProbePacket(users[n % users.length]),
    );
    log(`${label}: ${load.result.rate}/s max, probe @${rate}/s p50 ${p.p50} ms p99 ${p.p99} ms, lost ${load.result.lost + p.lost}`);
    return { load: load.result, probe: p };
  };
  await radclientRun(
    join(dir, 'scale.txt'),
    users.slice(0, 200).map(authPacket),
    { port: ours.authPort, kind: 'auth', secret: ours.secret },
    { parallel: 16 },
  );
  const small = await measure(`${users.length} accounts`);
  const seeded = await seedScale(
    db,
    routerId,
    { accounts: o.smoke ? 20_000 : 1_000_000, openSessions: o.smoke ? 2_000 : 100_000, closedSessions: o.smoke ? 5_000 : 500_000 },
    log,
  );
  const big = await measure(`${seeded.accounts} accounts`);
  const plans = await explainHotQueries(db, users[0].username, routerId);
  return { ...renderScale(small, big, seeded, plans, rate), apiPeakRssMiB: 0 };
}

function renderScale(
  small: { load: { rate: number }; probe: ProbeResult },
  big: { load: { rate: number }; probe: ProbeResult },
  seeded: ScaleSeed,
  plans: string,
  rate: number,
): { markdown: string } {
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : 'n/a');
  const lines = [
    `Run on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores. Authorize (PAP through FreeRADIUS); latency probe at ${rate} req/s, half the small database's maximum, for both sizes.`,
    '',
    '| database | max auth/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| the bench accounts only, no other sessions | ${small.load.rate} | ${small.probe.p50} | ${small.probe.p99} |`,
    `| ${seeded.accounts.toLocaleString('en-US')} accounts, ${seeded.openSessions.toLocaleString('en-US')} open + ${seeded.closedSessions.toLocaleString('en-US')} closed sessions | ${big.load.rate} | ${big.probe.p50} | ${big.probe.p99} |`,
    `| ratio (large / small) | ${ratio(big.load.rate, small.load.rate)} | ${ratio(big.probe.p50, small.probe.p50)} | ${ratio(big.probe.p99, small.probe.p99)} |`,
    '',
    `Seeding took ${seeded.seconds} s (SQL generate_series). Closed sessions span two years; those closed over a week ago were moved by the session archiver's function into ${seeded.historyMonths} monthly partitions of \`sessions_history\`, the rest stay in \`sessions\`.`,
    '',
    plans,
  ];
  return { markdown: lines.join('\n') };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
