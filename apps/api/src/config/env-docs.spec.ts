import { getMetadataStorage } from 'class-validator';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EnvSchema } from './env.schema';

/**
 * Every variable the code reads is documented, and nothing documented is unread: the
 * README's configuration table against the config schema (and the sources that read
 * process.env directly), and freeradius/README.md's table against what run.sh and the
 * overlay read. A failure names the variables to add or remove.
 */
const ROOT = join(__dirname, '../../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Backquoted UPPER_CASE names in the first column of the first table under `heading`. */
function tableVariables(markdown: string, heading: string): string[] {
  const start = markdown.split('\n').findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const names = new Set<string>();
  let inTable = false;
  for (const line of markdown.split('\n').slice(start + 1)) {
    if (/^#{1,6} /.test(line)) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1]);
  }
  return [...names].sort();
}

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : [];
  });
}

const sorted = (s: Iterable<string>) => [...new Set(s)].sort();
const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

describe('configuration documentation', () => {
  it('finds table rows, several names per row, and stops at the next section', () => {
    const md = [
      '## Configuration',
      '',
      '| Variable | x |',
      '|---|---|',
      '| `A_B`, `C` | `NOT_ME` |',
      '| `D` | y |',
      '',
      '## Next',
      '| `E` |',
    ].join('\n');
    expect(tableVariables(md, '## Configuration')).toEqual(['A_B', 'C', 'D']);
  });

  it('README.md "Configuration" lists exactly what the API reads', () => {
    const schema = getMetadataStorage()
      .getTargetValidationMetadatas(EnvSchema, '', true, false)
      .map((m) => m.propertyName);
    // Reads that bypass the schema (apps/libs sources, not tests). The router agent is a
    // separate program with its own usage text (docs/router-protocol.md).
    const direct = files(join(ROOT, 'apps'), (p) => p.endsWith('.ts'))
      .concat(files(join(ROOT, 'libs'), (p) => p.endsWith('.ts')))
      .filter((p) => !/\.(spec|fixture)\.ts$/.test(p) && !relative(ROOT, p).startsWith('libs/router-rpc/src/agent/'))
      .flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    const used = sorted([...schema, ...direct]);
    const documented = tableVariables(read('README.md'), '## Configuration');
    expect({ addToReadmeConfigurationTable: minus(used, documented), notReadByTheApi: minus(documented, used) }).toEqual({
      addToReadmeConfigurationTable: [],
      notReadByTheApi: [],
    });
  });

  it('freeradius/README.md "Environment" lists exactly what run.sh and the overlay read', () => {
    const runSh = [...read('freeradius/run.sh').matchAll(/\$\{([A-Z][A-Z0-9_]*):?-/g)].map((m) => m[1]);
    const overlay = files(join(ROOT, 'freeradius/overlay'), () => true).flatMap((p) =>
      [...readFileSync(p, 'utf8').matchAll(/\$ENV\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]),
    );
    const used = sorted([...runSh, ...overlay]);
    const documented = tableVariables(read('freeradius/README.md'), '## Environment');
    expect({ addToFreeradiusReadme: minus(used, documented), notReadByRunSh: minus(documented, used) }).toEqual({
      addToFreeradiusReadme: [],
      notReadByRunSh: [],
    });
  });
});
