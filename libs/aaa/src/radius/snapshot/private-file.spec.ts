import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePrivateFileAtomic } from './private-file';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('writePrivateFileAtomic', () => {
  let base: string;
  beforeEach(() => (base = mkdtempSync(join(tmpdir(), 'aaa-private-file-'))));

  it('creates a 0700 directory and a 0600 file, whatever the umask', async () => {
    const old = process.umask(0);
    try {
      await writePrivateFileAtomic(join(base, 'snap'), 'routers', 'a|b\n');
    } finally {
      process.umask(old);
    }
    expect(mode(join(base, 'snap'))).toBe(0o700);
    expect(mode(join(base, 'snap', 'routers'))).toBe(0o600);
    expect(readFileSync(join(base, 'snap', 'routers'), 'utf8')).toBe('a|b\n');
  });

  it('replaces the file and leaves no temporary file behind', async () => {
    const dir = join(base, 'snap');
    await writePrivateFileAtomic(dir, 'routers', 'first\n');
    await writePrivateFileAtomic(dir, 'routers', 'second\n');
    expect(readFileSync(join(dir, 'routers'), 'utf8')).toBe('second\n');
    expect(readdirSync(dir)).toEqual(['routers']);
  });

  it('closes an existing directory that others could read', async () => {
    const dir = join(base, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'routers'), 'old\n', { mode: 0o644 });
    await writePrivateFileAtomic(dir, 'routers', 'new\n');
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'routers'))).toBe(0o600);
  });

  it('fails without touching the old file or leaving a temporary one when the rename cannot happen', async () => {
    const dir = join(base, 'snap');
    mkdirSync(join(dir, 'routers'), { recursive: true }); // a directory where the file should go
    await expect(writePrivateFileAtomic(dir, 'routers', 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['routers']);
  });
});
