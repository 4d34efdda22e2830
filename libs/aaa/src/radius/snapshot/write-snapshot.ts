import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the API leaves what FreeRADIUS loads at start (`freeradius/run.sh` reads the same path). */
export const SNAPSHOT_DIR = 'radius-snapshot';

/**
 * Replaces `<dir>/<name>` atomically: a reader (FreeRADIUS starting) sees the old file
 * or the new one, never half of either, also after a crash. The directory is 0700 and
 * the file 0600 from its first byte: it holds password hashes.
 */
export async function writeSnapshot(dir: string, name: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    const file = await open(tmp, 'wx', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, join(dir, name));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // The rename itself must survive a power cut too.
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** The file as last written, or null when there is none. */
export async function readSnapshot(dir: string, name: string): Promise<string | null> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
