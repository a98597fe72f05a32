/**
 * The package as users get it: `npm run build`, then `import ... from 'sansrtc'` (Node
 * resolves the package's own name through its exports map), running the README's example.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('npm run build emits dist with types, and the README example runs against it', () => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string } | string> };
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    assert.ok(readFileSync(join(root, target.types), 'utf8').length > 0, `${subpath} types`);
    assert.ok(readFileSync(join(root, target.default), 'utf8').length > 0, `${subpath} module`);
  }

  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /## Two peers in one file[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README has the example');
  // The example must sit inside the package to resolve `sansrtc` by self-reference.
  const dir = mkdtempSync(join(root, '.readme-example-'));
  try {
    writeFileSync(join(dir, 'demo.mjs'), example);
    const out = execFileSync(process.execPath, [join(dir, 'demo.mjs')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(out, 'bob got: hello, bob\nalice got: hello, alice\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
