import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const APT_HINT = 'apt-get install -y freeradius freeradius-rest freeradius-utils';

/** Suites that need FreeRADIUS fail loudly without it: a skipped AAA test proves nothing. */
export function requireFreeRadius(): void {
  for (const bin of ['freeradius', 'radclient']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`${bin} is not installed; the RADIUS end-to-end suites need it (${APT_HINT})`);
    }
  }
}

export interface FreeRadius {
  authPort: number;
  acctPort: number;
  /** The answer-cache control port (sites-available/aaa-answer-cache-control). */
  controlPort: number;
  dataDir: string;
  /** The freeradius process (run.sh execs it), for freezing it. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

let nextPort = 20000 + Math.floor(Math.random() * 20000);
/** A UDP port for a FreeRADIUS listener that another process must know before it starts. */
export const reservePort = (): number => nextPort++;

/** Runs `npm run radius`'s script with the project's own overlay, on private ports. */
export async function startFreeRadius(apiUrl: string, token: string, env: Record<string, string> = {}): Promise<FreeRadius> {
  requireFreeRadius();
  // A restart on the same ports passes them in env.
  const authPort = Number(env.RADIUS_AUTH_PORT ?? nextPort++);
  const acctPort = Number(env.RADIUS_ACCT_PORT ?? nextPort++);
  const controlPort = Number(env.RADIUS_CONTROL_PORT ?? nextPort++);
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'aaa-radius-'));
  const child: ChildProcess = spawn('bash', [join(ROOT, 'freeradius/run.sh')], {
    cwd: ROOT,
    env: {
      ...process.env,
      API_URL: apiUrl,
      RADIUS_API_TOKEN: token,
      RADIUS_AUTH_PORT: String(authPort),
      RADIUS_ACCT_PORT: String(acctPort),
      RADIUS_CONTROL_PORT: String(controlPort),
      RADIUS_BIND: '127.0.0.1',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`FreeRADIUS did not become ready:\n${out}`)), 30_000);
    const check = () => {
      if (out.includes('Ready to process requests')) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FreeRADIUS exited with ${code}:\n${out}`));
    });
  });
  return {
    authPort,
    acctPort,
    controlPort,
    dataDir,
    pid: child.pid!,
    output: () => out,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export interface RadReply {
  code: string;
  /** The reply's attributes, without its Message-Authenticator (a signature, different in every reply). */
  attrs: Record<string, string>;
  /** Names of the reply's attributes in wire order, Message-Authenticator included. */
  order: string[];
  raw: string;
}

/**
 * Sends packets with radclient; one reply per packet, or none when unanswered.
 * Access-Requests get `Message-Authenticator = 0x00` (radclient then computes it),
 * as routers send it and require it by default (BlastRADIUS), unless the packet has
 * one already or `messageAuthenticator: false`. radclient drops a reply whose
 * Message-Authenticator does not verify, so every answered request also checks it.
 */
export async function radclient(
  port: number,
  kind: 'auth' | 'acct',
  secret: string,
  packets: string[],
  opts: { timeout?: number; retries?: number; parallel?: number; messageAuthenticator?: boolean } = {},
): Promise<RadReply[]> {
  const sign = kind === 'auth' && opts.messageAuthenticator !== false;
  const input = packets.map((p) => (sign && !/^\s*Message-Authenticator\s*=/m.test(p) ? `${p}\nMessage-Authenticator = 0x00` : p));
  const args = [
    '-x',
    '-r',
    String(opts.retries ?? 1),
    '-t',
    String(opts.timeout ?? 3),
    '-p',
    String(opts.parallel ?? 1),
    `127.0.0.1:${port}`,
    kind,
    secret,
  ];
  const out = await new Promise<string>((resolvePromise) => {
    const p = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('close', () => resolvePromise(text));
    p.stdin.end(input.join('\n\n') + '\n');
  });
  return parseRadclient(out);
}

function parseRadclient(out: string): RadReply[] {
  const replies: RadReply[] = [];
  let current: RadReply | null = null;
  for (const line of out.split('\n')) {
    const m = /^Received (\S+) Id/.exec(line);
    if (m) {
      current = { code: m[1], attrs: {}, order: [], raw: '' };
      replies.push(current);
      continue;
    }
    if (/^Sent /.test(line)) current = null;
    const a = /^\s+([\w-]+) = (.*)$/.exec(line);
    if (current && a) current.order.push(a[1]);
    if (current && a && a[1] !== 'Message-Authenticator') {
      const value = a[2].replace(/^"(.*)"$/, '$1');
      current.attrs[a[1]] = current.attrs[a[1]] ? `${current.attrs[a[1]]},${value}` : value;
    }
    if (current) current.raw += line + '\n';
  }
  return replies;
}

/** radclient attribute lines for an MS-CHAPv2 login, built the way a NAS builds them. */
export function msChapV2Attributes(username: string, password: string): string {
  return execFileSync(process.execPath, ['--openssl-legacy-provider', join(__dirname, 'mschapv2-cli.js'), username, password], {
    encoding: 'utf8',
  }).trim();
}

export function attrLines(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([k, v]) =>
      typeof v === 'number' || /^0x|^\d+$/.test(String(v)) || k === 'Packet-Src-IP-Address'
        ? `${k} = ${v}`
        : `${k} = "${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`,
    )
    .join('\n');
}
