import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backoffDelay } from '@app/aaa';
import { StartupError } from '../startup-errors';
import { EmbeddedDb, startEmbeddedPostgres } from './embedded-postgres';
import { DataDirInUseError } from './postgres-leftover';
import { PortInUseError } from './postmaster';
import { ephemeralPortRange, freePortOutsideEphemeral, inEphemeralRange, portIsFree } from './free-port';

/** Where the port chosen on first start is remembered (when EMBEDDED_PG_PORT is unset). */
export const PG_PORT_FILE = 'pg.port';

type Log = (line: string) => void;

/**
 * The embedded PostgreSQL of `npm start` (DATABASE_URL unset), under DATA_DIR/pg, on
 * EMBEDDED_PG_PORT or else on a port picked outside the ephemeral range on first start
 * and remembered in DATA_DIR/pg.port, so two instances with their own DATA_DIR run side
 * by side. If the server dies under the running API (OOM killer, a stray kill), it is
 * started again on the same port, so the database URL stays valid and the pool and the
 * notification connection reconnect on their own.
 */
export async function startEmbeddedDatabase(dataDir: string, envPort: number | undefined, log: Log = stderrLine): Promise<EmbeddedDb> {
  const clusterDir = join(dataDir, 'pg');
  if (envPort && inEphemeralRange(envPort)) {
    const [lo, hi] = ephemeralPortRange();
    log(
      `EMBEDDED_PG_PORT=${envPort} is inside the ephemeral port range (${lo}-${hi}): outgoing connections can take it while the database restarts; prefer a port below ${lo}`,
    );
  }
  let first: EmbeddedDb;
  try {
    first = await startEmbeddedPostgres(clusterDir, () => choosePort(dataDir, envPort, log), 'radius', { log });
  } catch (err) {
    throw explain(err, dataDir, envPort);
  }
  return supervise(first, clusterDir, log);
}

async function choosePort(dataDir: string, envPort: number | undefined, log: Log): Promise<number> {
  if (envPort) {
    if (!(await portIsFree(envPort))) throw new PortInUseError(envPort);
    return envPort;
  }
  const file = join(dataDir, PG_PORT_FILE);
  const remembered = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  if (remembered && Number.isInteger(remembered) && (await portIsFree(remembered))) return remembered;
  const port = await freePortOutsideEphemeral();
  if (remembered) {
    log(`Port ${remembered} of the embedded PostgreSQL (from ${file}) is taken by another process; using ${port} from now on`);
  }
  writeFileSync(file, `${port}\n`, { mode: 0o600 });
  return port;
}

function explain(err: unknown, dataDir: string, envPort: number | undefined): unknown {
  if (err instanceof DataDirInUseError) return new StartupError(`Cannot start: ${err.message}.`);
  if (err instanceof PortInUseError) {
    return new StartupError(
      envPort
        ? `Cannot start the embedded PostgreSQL on 127.0.0.1:${err.port}: the port is already in use by another process. Set EMBEDDED_PG_PORT to a free port (or unset it to let the API pick one).`
        : `Cannot start the embedded PostgreSQL on 127.0.0.1:${err.port} (remembered in ${join(dataDir, PG_PORT_FILE)}): the port was taken just now. Start again, or set EMBEDDED_PG_PORT.`,
    );
  }
  return err;
}

function supervise(first: EmbeddedDb, clusterDir: string, log: Log): EmbeddedDb {
  let current = first;
  let stopped = false;
  const watch = (db: EmbeddedDb) =>
    void db.exited.then(async () => {
      if (stopped) return;
      log(`The embedded PostgreSQL exited unexpectedly; starting it again on port ${db.port}`);
      for (let failures = 0; !stopped;) {
        try {
          current = await startEmbeddedPostgres(clusterDir, db.port, 'radius', { log });
          if (stopped) return void (await current.stop());
          log('The embedded PostgreSQL is running again');
          return watch(current);
        } catch (err) {
          failures++;
          log(`The embedded PostgreSQL did not start again (attempt ${failures}): ${(err as Error).message.split('\n')[0]}`);
          await new Promise((r) => setTimeout(r, backoffDelay(failures, { baseMs: 1000, capMs: 30_000 })).unref());
        }
      }
    });
  watch(first);
  return {
    url: first.url,
    port: first.port,
    get exited() {
      return current.exited;
    },
    stop: async () => {
      stopped = true;
      await current.stop();
    },
  };
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
