import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Under DATA_DIR: where FreeRADIUS (freeradius/run.sh, RADIUS_SNAPSHOT_DIR) finds what the API persists for it. */
export const SNAPSHOT_DIR = 'radius-snapshot';

/**
 * Replaces `dir/name` with `content` so that a reader (FreeRADIUS at its start) sees the
 * old file or the new one, never a torn one, and nobody else sees either:
 * - the directory is created 0700 (and set back to 0700 if it was not);
 * - the content goes to a temporary file in that directory, created 0600 with O_EXCL
 *   (never through a planted symlink), flushed to disk, then renamed over the target;
 * - the directory is flushed too, so the rename survives a power cut.
 * Shared by everything that persists state for FreeRADIUS under DATA_DIR.
 */
export async function writePrivateFileAtomic(dir: string, name: string, content: string | Buffer): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(tmp, 'wx', 0o600);
  try {
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** The file as last written, or null when there is none. */
export async function readPrivateFile(dir: string, name: string): Promise<string | null> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
