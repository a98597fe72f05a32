#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src and test) on Node's built-in
// test runner, with tsx as the TypeScript loader. Node 20's --test does not glob .ts files,
// so the list is made here. Extra arguments after `--` go to node --test (e.g. --test-only).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const sep = args.indexOf('--');
const roots = (sep === -1 ? args : args.slice(0, sep)).filter(Boolean);
const passThrough = sep === -1 ? [] : args.slice(sep + 1);

function walk(path, out) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return out;
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    walk(join(path, name), out);
  }
  return out;
}

const files = (roots.length ? roots : ['src', 'test']).flatMap((r) => walk(r, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', new URL('./test-setup.mjs', import.meta.url).href, '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
