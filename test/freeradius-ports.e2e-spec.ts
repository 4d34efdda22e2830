import { spawn } from 'node:child_process';
import { createSocket, Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireFreeRadius, reservePort } from './support/freeradius';

const ROOT = resolve(__dirname, '..');

/** `npm run radius` with these ports, expected to refuse to start: its exit code and stderr. */
function runRadius(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', [join(ROOT, 'freeradius/run.sh')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-frports-')),
        RADIUS_API_TOKEN: 'test-radius-token-0123456789',
        RADIUS_BIND: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // A FreeRADIUS that does start (the check missed the clash) is stopped once it says so.
    child.stdout.on('data', (d) => String(d).includes('Ready to process requests') && child.kill('SIGTERM'));
    child.on('close', (code) => done({ code, stderr }));
  });
}

function occupy(port: number, address: string): Promise<Socket> {
  return new Promise((done, fail) => {
    const s = createSocket('udp4');
    s.once('error', fail);
    s.bind(port, address, () => done(s));
  });
}

describe('freeradius/run.sh: a port taken by another process', () => {
  beforeAll(() => requireFreeRadius());

  it.each([
    ['RADIUS_AUTH_PORT', '127.0.0.1', {}],
    ['RADIUS_ACCT_PORT', '127.0.0.1', {}],
    // The control port listens on RADIUS_CONTROL_BIND; a socket on all addresses holds it too.
    ['RADIUS_CONTROL_PORT', '0.0.0.0', { RADIUS_CONTROL_BIND: '127.0.0.1' }],
    // RADIUS_BIND=* (all IPv4 addresses) clashes with a socket on one of them.
    ['RADIUS_AUTH_PORT', '127.0.0.1', { RADIUS_BIND: '*' }],
  ] as const)(
    '%s taken (on %s): one line naming the variable, FreeRADIUS not started',
    async (variable, address, extra) => {
      const ports: Record<string, string> = {
        RADIUS_AUTH_PORT: String(reservePort()),
        RADIUS_ACCT_PORT: String(reservePort()),
        RADIUS_CONTROL_PORT: String(reservePort()),
      };
      const taken = await occupy(Number(ports[variable]), address);
      try {
        const { code, stderr } = await runRadius({ ...ports, ...extra });
        expect(code).toBe(1);
        const lines = stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          new RegExp(`UDP port ${ports[variable]} \\(${variable}\\).*already in use.*set ${variable} to a free port`),
        );
      } finally {
        taken.close();
      }
    },
    60_000,
  );
});
