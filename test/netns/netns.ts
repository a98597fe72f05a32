/**
 * Helpers for tests that need a network of their own. Everything here runs inside a fresh
 * user + network namespace (`unshare -rn`), so nothing a test sends can leave on one of
 * the host's real interfaces; the namespaces vanish when their processes exit.
 */

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, so scripts run the same from any working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Why namespaces cannot be made here, or undefined when they can. */
export function namespaceProblem(): string | undefined {
  const r = spawnSync('unshare', ['-rn', 'ip', 'link', 'show', 'lo'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `cannot run unshare: ${r.error.message} (install util-linux and iproute2)`;
  if (r.status !== 0) return `unshare -rn failed (status ${r.status}): ${r.stderr.trim()}`;
  return undefined;
}

export interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a TypeScript file (through tsx) as `node` inside a new user + network namespace
 * and collects its output. Kills it after `timeoutMs`.
 */
export function runInNamespace(script: string, args: readonly string[], timeoutMs = 20_000): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-rn', process.execPath, '--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs shell commands (`ip ...`) and throws with their stderr when one fails. */
export function sh(...commands: string[]): void {
  for (const c of commands) {
    const r = spawnSync('sh', ['-c', c], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`\`${c}\` failed: ${r.stderr || r.error?.message}`);
  }
}

/**
 * Refuses to go on unless this process is in a namespace whose only links are the ones a
 * test made (lo plus `allowed`): the guard that keeps multicast off real interfaces even if
 * a script is started by hand outside `unshare`.
 */
export function assertIsolated(allowed: readonly string[] = []): void {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const links = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':')[1]!.trim().split('@')[0]!);
  const foreign = links.filter((l) => l !== 'lo' && !allowed.includes(l));
  if (r.status !== 0 || foreign.length > 0) {
    throw new Error(`not in an isolated network namespace (links: ${links.join(', ')}); refusing to send multicast`);
  }
}
