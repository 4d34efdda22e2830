import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const UNITS = ['radius-backend.service', 'radius-backend-freeradius.service'].map((u) => join(ROOT, 'deploy/systemd', u));

function settings(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

describe('deploy/systemd units', () => {
  it('the API unit restarts on failure and runs what `npm start` runs', () => {
    const api = settings(UNITS[0]);
    expect(api.Restart).toBe('on-failure');
    // The stop signal to the API alone: it stops its embedded PostgreSQL after the app.
    expect(api.KillMode).toBe('mixed');
    const start = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
    expect(api.ExecStart).toBe(`/usr/bin/node ${start.replace(/^node /, '')}`);
    expect(settings(UNITS[1]).ExecStart).toBe('/bin/bash freeradius/run.sh');
    expect(settings(UNITS[1]).Restart).toBe('on-failure');
  });

  it('both pass systemd-analyze verify', () => {
    const has = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { stdio: 'ignore' }).status === 0;
    if (!has) {
      if (process.env.CI) throw new Error('systemd-analyze is missing (apt-get install systemd)');
      return;
    }
    const r = spawnSync('systemd-analyze', ['verify', ...UNITS], { encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    expect({ status: r.status, output }).toEqual({ status: 0, output: expect.any(String) });
    // Warnings about other units on the machine (Debian's freeradius.service) do not count; any about ours do.
    expect(output.split('\n').filter((l) => l.includes('radius-backend'))).toEqual([]);
  });
});
