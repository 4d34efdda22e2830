import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const AGENT_FILES = join(ROOT, 'agents/openwrt/files');
const APT_HINT = 'apt-get install -y lua5.1 lua-socket lua-sec lua-cjson';

/** The Lua agent's suite fails, never skips, without Lua 5.1 and the OpenWrt-equivalent modules. */
export function requireLua(): void {
  try {
    execFileSync('lua5.1', ['-e', 'require("socket"); require("ssl"); require("cjson")'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`lua5.1 with luasocket, luasec and lua-cjson is required for the OpenWrt agent suite (${APT_HINT}): ${err}`);
  }
}

/**
 * A stand-in for OpenWrt's `ubus` CLI on PATH that records every invocation. It behaves as
 * openwrt/ubus `cli.c` does: `call` prints the method's reply as JSON (nothing when the method
 * returns no data, as uspot's client_remove does), and a failing call prints
 * "Command failed: <reason>" to stderr and exits with the ubus status. Its answers follow
 * uspot.uc: client_list → {"<section>": [macs]}, client_remove → no data.
 */
export class FakeUbus {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-ubus-'));
  private readonly log = join(this.dir, 'calls.jsonl');
  private readonly state = join(this.dir, 'state.json');

  constructor() {
    writeFileSync(
      join(this.dir, 'ubus'),
      `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(this.log)}, JSON.stringify(args) + '\\n');
const state = JSON.parse(fs.readFileSync(${JSON.stringify(this.state)}, 'utf8'));
const i = args.indexOf('call');
const [object, method, message] = args.slice(i + 1);
if (i < 0 || object !== 'uspot') { process.stderr.write('Command failed: Not found\\n'); process.exit(4); }
if (state.fail && state.fail[method]) { process.stderr.write('Command failed: ' + state.fail[method] + '\\n'); process.exit(state.failCode || 4); }
const params = message ? JSON.parse(message) : {};
if (method === 'client_list') process.stdout.write(JSON.stringify({ [params.uspot]: state.clients || [] }, null, '\\t') + '\\n');
`,
    );
    chmodSync(join(this.dir, 'ubus'), 0o755);
    this.set({});
  }

  /** clients: what client_list reports; fail: method → ubus error text. */
  set(state: { clients?: string[]; fail?: Record<string, string> }): void {
    writeFileSync(this.state, JSON.stringify(state));
  }

  calls(): string[][] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[]);
  }
}

export interface LuaAgent {
  output(): string;
  stop(): Promise<void>;
}

/** Runs the shipped agent as procd would, with the fake ubus first on PATH. */
export function startLuaAgent(opts: { url: string; token: string; ubus: FakeUbus; args?: string[] }): LuaAgent {
  const child: ChildProcess = spawn(
    'lua5.1',
    [
      join(AGENT_FILES, 'usr/sbin/radius-backend-agent'),
      '--url',
      opts.url,
      '--min-backoff',
      '0.1',
      '--max-backoff',
      '0.5',
      ...(opts.args ?? []),
    ],
    {
      env: {
        PATH: `${opts.ubus.dir}:${process.env.PATH}`,
        LUA_PATH: `${join(AGENT_FILES, 'usr/lib/lua')}/?.lua;;`,
        ROUTER_TOKEN: opts.token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    output: () => out,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
