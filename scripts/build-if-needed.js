#!/usr/bin/env node
// `npm start` builds on a fresh clone, and rebuilds when a source file is newer than the build.
const { execSync } = require('node:child_process');
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const marker = join(root, 'dist/apps/api/src/main.js');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const sources = ['apps', 'libs', 'bench'].map((d) => join(root, d)).filter(existsSync);
const stale = !existsSync(marker) || sources.some((d) => newest(d) > statSync(marker).mtimeMs);
if (stale) {
  process.stdout.write('Building...\n');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}
