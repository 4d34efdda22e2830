import { getMetadataStorage } from 'class-validator';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EnvSchema } from '../../apps/api/src/config/env.schema';

/** Which environment variables the code reads, and which ones the docs list. */
export const ROOT = resolve(__dirname, '../..');
export const readRepoFile = (path: string) => readFileSync(join(ROOT, path), 'utf8');

export function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : [];
  });
}

export const sorted = (s: Iterable<string>) => [...new Set(s)].sort();
export const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

/** Backquoted UPPER_CASE names in the first column of the first table under `heading`. */
export function tableVariables(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const names = new Set<string>();
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,6} /.test(line)) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    for (const m of (line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1]);
  }
  return [...names].sort();
}

/**
 * What the API reads: every EnvSchema property, plus direct `env.X` reads in apps/ and
 * libs/ sources (tests excluded). The router agent is a separate program with its own
 * usage text (docs/router-protocol.md).
 */
export function apiVariables(): string[] {
  const schema = getMetadataStorage()
    .getTargetValidationMetadatas(EnvSchema, '', true, false)
    .map((m) => m.propertyName);
  const direct = [...files(join(ROOT, 'apps'), (p) => p.endsWith('.ts')), ...files(join(ROOT, 'libs'), (p) => p.endsWith('.ts'))]
    .filter((p) => !/\.(spec|fixture)\.ts$/.test(p) && !relative(ROOT, p).startsWith('libs/router-rpc/src/agent/'))
    // `delete env.X` and `env.X = …` (a child's environment being built) are not reads.
    .flatMap((p) =>
      [...readFileSync(p, 'utf8').matchAll(/(?<!delete )\benv(?:\.|\[['"])([A-Z][A-Z0-9_]+)(?![A-Z0-9_])(?!['"]?\]?\s*=(?!=))/g)].map(
        (m) => m[1],
      ),
    );
  return sorted([...schema, ...direct]);
}

/** What `npm run radius` reads: run.sh's `${X:-…}` defaults and the overlay's `$ENV{X}`. */
export function freeradiusVariables(): string[] {
  const runSh = [...readRepoFile('freeradius/run.sh').matchAll(/\$\{([A-Z][A-Z0-9_]*):?-/g)].map((m) => m[1]);
  const overlay = files(join(ROOT, 'freeradius/overlay'), () => true).flatMap((p) =>
    [...readFileSync(p, 'utf8').matchAll(/\$ENV\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]),
  );
  return sorted([...runSh, ...overlay]);
}
