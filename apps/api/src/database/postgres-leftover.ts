import { existsSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/**
 * What a crashed run leaves behind in the embedded cluster's directory, and how the
 * next start gets past it:
 *
 * - `<dir>.lock` names the process that runs the cluster (`pid starttime`). A live owner
 *   means another API is using this DATA_DIR right now: refuse, do not touch its server.
 * - `postmaster.pid` of a postmaster that is still running although its owner is gone
 *   (the API was killed and the server outlived it): stop that server cleanly, then
 *   start our own. Adopting it instead would keep whatever settings and socket the
 *   previous version started it with.
 * - `postmaster.pid` naming a PID that now belongs to an unrelated process (PIDs are
 *   reused, e.g. after a reboot): PostgreSQL itself refuses to start then ("lock file
 *   already exists"), so remove the stale file. A dead PID PostgreSQL handles itself.
 *
 * Linux only (/proc); elsewhere PostgreSQL's own checks apply unchanged.
 */

export interface OwnerLock {
  release(): void;
}

export class DataDirInUseError extends Error {}

/** Clock ticks since boot at which `pid` started (field 22 of /proc/<pid>/stat); undefined if unknown or dead. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // a zombie is as good as dead
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, under another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return existsSync('/proc/self/stat') ? processStartTicks(pid) !== undefined : true;
}

export function acquireOwnerLock(dataDir: string): OwnerLock {
  const file = `${resolve(dataDir)}.lock`;
  const mine = `${process.pid} ${processStartTicks(process.pid) ?? ''}`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${mine}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const [pidText, ticks = ''] = readFileSync(file, 'utf8').trim().split(' ');
    const pid = Number(pidText);
    const sameProcess = ticks === '' ? isAlive(pid) : processStartTicks(pid) === ticks;
    if (sameProcess && pid !== process.pid) {
      throw new DataDirInUseError(
        `the embedded database in ${dataDir} is in use by another running process (PID ${pid}); ` +
          'stop it first, or give this instance its own DATA_DIR',
      );
    }
    // Left by a run that is gone (or by this process, restarting its own server).
    unlinkSync(file);
  }
  return {
    release: () => {
      try {
        if (readFileSync(file, 'utf8').trim() === mine) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** The command line of `pid`, or undefined if it cannot be read. */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** True if `argv` is a postmaster of `dataDir` (backends rewrite their title to "postgres: ...", a postmaster keeps its argv). */
export function isPostmasterOf(argv: string[], dataDir: string): boolean {
  if (basename(argv[0] ?? '') !== 'postgres') return false;
  const i = argv.indexOf('-D');
  if (i < 0 || !argv[i + 1]) return false;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(argv[i + 1]) === real(dataDir);
}

/**
 * Clears the way for a new postmaster in `dataDir` (the caller holds the owner lock,
 * so no live API uses it). Returns what it found, for the caller to say so.
 */
export async function clearLeftoverPostmaster(dataDir: string): Promise<'none' | 'stopped' | 'stale-lock'> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile) || !existsSync('/proc/self/cmdline')) return 'none';
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!isAlive(pid)) return 'none'; // PostgreSQL removes a dead process's lock file itself
  const argv = commandLine(pid);
  if (!argv) return 'none'; // cannot tell (hidepid?): let PostgreSQL decide
  if (!isPostmasterOf(argv, dataDir)) {
    unlinkSync(pidFile);
    return 'stale-lock';
  }
  await stopProcess(pid);
  return 'stopped';
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL, waiting for each. */
async function stopProcess(pid: number): Promise<void> {
  for (const [sig, waitMs] of [
    ['SIGINT', 60_000],
    ['SIGQUIT', 10_000],
    ['SIGKILL', 10_000],
  ] as const) {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw new Error(`cannot stop the PostgreSQL (PID ${pid}) left running in this data directory: ${(err as Error).message}`);
    }
    const deadline = Date.now() + waitMs;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!isAlive(pid)) return;
  }
  throw new Error(`the PostgreSQL (PID ${pid}) left running in this data directory does not stop`);
}
