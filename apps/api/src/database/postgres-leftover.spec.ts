import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPostmasterOf } from './postgres-leftover';

describe('isPostmasterOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aaa-leftover-'));
  const link = join(tmpdir(), `aaa-leftover-link-${process.pid}`);
  symlinkSync(dir, link);

  it.each([
    ['our postmaster', ['/opt/x/native/bin/postgres', '-D', dir, '-p', '25432'], true],
    ['our postmaster, started through a symlink', ['/opt/x/native/bin/postgres', '-D', link, '-p', '25432'], true],
    ['a postmaster of another data directory', ['/usr/lib/postgresql/17/bin/postgres', '-D', '/var/lib/postgresql/17/main'], false],
    ['a backend of ours (title rewritten)', ['postgres: postgres radius 127.0.0.1(51422) idle'], false],
    ['an unrelated process with our path in its arguments', ['/usr/bin/sleep', '-D', dir], false],
    ['a postmaster without -D', ['/opt/x/native/bin/postgres', '--single'], false],
    ['nothing', [], false],
  ])('%s', (_what, argv, expected) => {
    expect(isPostmasterOf(argv, dir)).toBe(expected);
  });
});
