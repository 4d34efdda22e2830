import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../apps/api/src/config/load-config';
import { apiVariables, freeradiusVariables, minus, readRepoFile, ROOT } from './support/config-vars';

/**
 * Nothing here runs a container engine (CI has none); what can go stale without one is
 * checked instead: the compose file against Compose's own validator, every path the
 * Dockerfiles COPY from the build context, and every variable and port they set against
 * what the API and run.sh actually read.
 */
const COMPOSE = 'docker/compose.yml';
const DOCKERFILES = ['docker/Dockerfile.api', 'docker/Dockerfile.freeradius'];
// compose.yml demands these (${VAR:?}); any value does for validation.
const REQUIRED = { POSTGRES_PASSWORD: 'p', ADMIN_TOKEN: 'a', RADIUS_API_TOKEN: 'r', SECRET_KEY: 's' };

function requireDockerCompose(): void {
  try {
    execFileSync('sh', ['-c', 'command -v docker-compose'], { stdio: 'ignore' });
  } catch {
    throw new Error('docker-compose is not installed; this suite validates docker/compose.yml with it (apt-get install -y docker-compose)');
  }
}

/** `KEY: value` entries of each service's `environment:` map in compose.yml. */
function composeEnvironment(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let service = '';
  let envIndent = -1;
  for (const line of text.split('\n')) {
    const indent = line.search(/\S/);
    if (indent < 0 || line.trim().startsWith('#')) continue;
    if (indent === 2 && /^ {2}[\w-]+:\s*$/.test(line)) {
      service = line.trim().slice(0, -1);
      envIndent = -1;
    } else if (/^\s+environment:\s*$/.test(line)) envIndent = indent;
    else if (envIndent >= 0 && indent > envIndent) {
      const m = /^\s+([A-Z][A-Z0-9_]*):/.exec(line);
      if (m) (out[service] ??= []).push(m[1]);
    } else envIndent = -1;
  }
  return out;
}

/** `COPY` instructions that read the build context (not `--from=` another stage). */
function contextCopies(dockerfile: string): string[] {
  return dockerfile
    .split('\n')
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l))
    .flatMap((l) => {
      const words = l
        .trim()
        .split(/\s+/)
        .slice(1)
        .filter((w) => !w.startsWith('--'));
      return words.slice(0, -1); // the last word is the destination
    });
}

/** Variables set with `ENV A=1 B=2` (or `ENV A 1`). */
function dockerfileEnv(dockerfile: string): string[] {
  return dockerfile
    .split('\n')
    .filter((l) => /^ENV\s/.test(l))
    .flatMap((l) => {
      const rest = l.replace(/^ENV\s+/, '');
      return rest.includes('=') ? [...rest.matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]) : [rest.split(/\s+/)[0]];
    });
}

describe('docker/', () => {
  it('compose.yml passes `docker-compose config`, and refuses to start without its secrets', () => {
    requireDockerCompose();
    const ok = spawnSync('docker-compose', ['-f', COMPOSE, 'config', '-q'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...REQUIRED },
      encoding: 'utf8',
    });
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    for (const missing of Object.keys(REQUIRED)) {
      const env: Record<string, string | undefined> = { PATH: process.env.PATH, ...REQUIRED };
      delete env[missing];
      const r = spawnSync('docker-compose', ['-f', COMPOSE, 'config', '-q'], { cwd: ROOT, env, encoding: 'utf8' });
      expect({ missing, status: r.status }).toEqual({ missing, status: 1 });
      expect(r.stderr).toContain(`set ${missing}`);
    }
  });

  it.each(DOCKERFILES)('%s copies only paths that exist and are not in .dockerignore', (file) => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const copies = contextCopies(readRepoFile(file));
    expect(copies.length).toBeGreaterThan(0);
    const missing = copies.filter((p) => !existsSync(join(ROOT, p)));
    const excluded = copies.filter((p) => ignored.some((i) => p === i || p.startsWith(`${i}/`)));
    expect({ file, missing, excluded }).toEqual({ file, missing: [], excluded: [] });
  });

  it('.dockerignore keeps data/ (tokens, keys, the embedded database) and node_modules out of the build context', () => {
    const ignored = readRepoFile('.dockerignore').split('\n');
    for (const path of ['data', 'node_modules', '.git', 'dist']) expect(ignored).toContain(path);
  });

  it('every variable compose.yml and the Dockerfiles set is one the API or run.sh reads', () => {
    const env = composeEnvironment(readRepoFile(COMPOSE));
    const postgresImage = ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'];
    expect(Object.keys(env).sort()).toEqual(['api', 'freeradius', 'postgres']);
    const unknown = {
      api: minus([...env.api, ...dockerfileEnv(readRepoFile('docker/Dockerfile.api'))], [...apiVariables(), 'NODE_ENV']),
      freeradius: minus([...env.freeradius, ...dockerfileEnv(readRepoFile('docker/Dockerfile.freeradius'))], freeradiusVariables()),
      postgres: minus(env.postgres, postgresImage),
    };
    expect(unknown).toEqual({ api: [], freeradius: [], postgres: [] });
  });

  it('the ports the images expose are the defaults the API and run.sh use', () => {
    const api = readRepoFile('docker/Dockerfile.api');
    const fr = readRepoFile('docker/Dockerfile.freeradius');
    expect(api).toMatch(/^EXPOSE 3000 3001$/m); // PORT, RADIUS_API_PORT
    expect(api).toContain("fetch('http://127.0.0.1:3000/health')");
    expect(fr).toMatch(/^EXPOSE 1812\/udp 1813\/udp 18121\/udp$/m); // auth, acct, RADIUS_CONTROL_PORT
    const compose = readRepoFile(COMPOSE);
    expect(compose).toContain('API_URL: http://api:3001');
    expect(compose).toContain('RADIUS_ANSWER_CACHE_CONTROL: freeradius:18121');
    const runSh = readRepoFile('freeradius/run.sh');
    expect(runSh).toContain('RADIUS_AUTH_PORT="${RADIUS_AUTH_PORT:-1812}"');
    expect(runSh).toContain('RADIUS_CONTROL_PORT="${RADIUS_CONTROL_PORT:-18121}"');
    const defaults = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-docker-')) });
    expect([defaults.port, defaults.radiusApiPort]).toEqual([3000, 3001]);
  });
});
