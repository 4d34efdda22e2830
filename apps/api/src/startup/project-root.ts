import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The directory holding this project's package.json: where `npm start` and `npm run radius`
 * run, so what their default `./data` means. Found from this file, whether it runs from
 * the sources or from dist/.
 */
export function projectRoot(from = __dirname): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (d === dirname(d)) return process.cwd();
  }
}
