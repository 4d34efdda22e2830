import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomic } from '../snapshot/private-file';

/** Evictions kept for a FreeRADIUS that does not answer, re-sent when it does. */
const MAX_MISSED = 1_000_000;

/**
 * The evictions each FreeRADIUS control port has not acknowledged yet, by `host:port`,
 * kept on disk (`DATA_DIR/radius-control/missed-evictions`, 0600 in a 0700 directory).
 * A ban answered while a FreeRADIUS was cut off must still reach it when it answers again,
 * also if this API process was restarted in between: otherwise that FreeRADIUS would keep
 * the banned admin in its fail-safe memory. Without a directory it keeps them in memory only.
 */
export class MissedEvictions {
  private readonly byTarget = new Map<string, Set<string>>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly dir?: string) {
    if (!dir) return;
    try {
      const saved = JSON.parse(readFileSync(join(dir, 'missed-evictions'), 'utf8')) as Record<string, string[]>;
      for (const [target, commands] of Object.entries(saved)) {
        if (Array.isArray(commands)) {
          this.byTarget.set(target, new Set(commands.filter((c) => typeof c === 'string' && c.startsWith('evict '))));
        }
      }
    } catch {
      // None yet (or unreadable: then there is nothing we could trust in it).
    }
  }

  of(target: string): string[] {
    return [...(this.byTarget.get(target) ?? [])];
  }

  /** Adds them; false when the list is full (the caller says what to do then). Durable once it resolves. */
  async add(target: string, commands: string[]): Promise<boolean> {
    let set = this.byTarget.get(target);
    let full = false;
    for (const c of commands) {
      if (!c.startsWith('evict ')) continue;
      set ??= this.byTarget.set(target, new Set()).get(target)!;
      if (set.size >= MAX_MISSED) {
        full = true;
        break;
      }
      set.add(c);
    }
    await this.save();
    return !full;
  }

  /** They were acknowledged. */
  async delivered(target: string, commands: string[]): Promise<void> {
    const set = this.byTarget.get(target);
    if (!set) return;
    for (const c of commands) set.delete(c);
    if (!set.size) this.byTarget.delete(target);
    await this.save();
  }

  /** Writes one after the other; each write carries the state at its start. */
  private save(): Promise<void> {
    if (!this.dir) return Promise.resolve();
    const dir = this.dir;
    this.writing = this.writing
      .catch(() => undefined)
      .then(() => {
        const state = Object.fromEntries([...this.byTarget].map(([k, v]) => [k, [...v]]));
        return writePrivateFileAtomic(dir, 'missed-evictions', JSON.stringify(state));
      });
    return this.writing;
  }
}
