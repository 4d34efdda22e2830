import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from '../apps/api/src/database/free-port';
export { freePort };

export const ROOT = `${__dirname}/../..`;

export interface Proc {
  child: ChildProcess;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns a process, keeps its output, resolves once `ready` appears in it. */
export function spawnUntil(
  name: string,
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; ready: string | RegExp; timeoutMs?: number },
): Promise<Proc> {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const proc: Proc = {
    child,
    pid: child.pid!,
    output: () => out,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready:\n${out.slice(-4000)}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (d: Buffer) => {
      out += d;
      if (out.length > 1_000_000) out = out.slice(-200_000);
      if (typeof opts.ready === 'string' ? out.includes(opts.ready) : opts.ready.test(out)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out.slice(-4000)}`));
    });
  });
}

/** Peak resident set size of a process, in MiB (VmHWM). */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const CLK_TCK = 100;

/**
 * CPU seconds used so far by processes matching `filter`: 'own' counts a process's
 * own time, 'children' the time of its exited, waited-for children (radclient runs).
 */
export type CpuFilter = (pid: number, comm: string) => 'own' | 'children' | 'both' | null;

export function cpuSeconds(filter: CpuFilter): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const what = filter(Number(entry), comm);
      if (!what) continue;
      const f = stat.slice(close + 2).split(' ');
      // stat fields 14-17 (utime stime cutime cstime) are 11-14 after pid and comm
      if (what !== 'children') ticks += Number(f[11]) + Number(f[12]);
      if (what !== 'own') ticks += Number(f[13]) + Number(f[14]);
    } catch {
      // process ended while we read it
    }
  }
  return ticks / CLK_TCK;
}

export type CpuGroups = Record<string, CpuFilter>;

/** CPU use per group while `fn` runs, as % of one core. */
export async function measureCpu<T>(groups: CpuGroups, fn: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, cpuSeconds(f)]));
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, Math.round(((cpuSeconds(f) - before[k]) / secs) * 100)]));
  return { result, cpu };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
