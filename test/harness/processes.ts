// Process groups and temp dirs the harness made, and the one place that removes them: on
// request, and on exit, SIGINT or SIGTERM of this process, so nothing outlives a run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
let handlersInstalled = false;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanUpNow = (): void => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
    liveGroups.clear();
    for (const dir of tempDirs) removeDir(dir);
    tempDirs.clear();
  };
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUpNow();
      // Someone else (npm start's graceful shutdown) handles the signal; otherwise re-raise so
      // the process still ends and its exit status says which signal ended it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // A dying browser may still be writing into its profile; a leftover temp dir is harmless.
  }
}

/** A fresh dir under the OS temp dir, removed by `remove()` or, failing that, when this process
 * ends however it ends. OKC_KEEP_TEMP=1 keeps them all for a post-mortem. */
export function scratchDir(prefix: string): { path: string; remove: () => void } {
  installHandlers();
  const path = mkdtempSync(join(tmpdir(), `okc-${prefix}-`));
  if (process.env.OKC_KEEP_TEMP) return { path, remove: () => undefined };
  tempDirs.add(path);
  return {
    path,
    remove: () => {
      tempDirs.delete(path);
      removeDir(path);
    },
  };
}

/** Tracks a child started with `detached: true` (its pid is its process group id). */
export function trackGroup(pgid: number): void {
  installHandlers();
  liveGroups.add(pgid);
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`, resolves once no member is left. */
export async function stopGroup(pgid: number, graceMs = 4000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pgid)) {
    signalGroup(pgid, 'SIGKILL');
    const killDeadline = Date.now() + 3000;
    while (groupAlive(pgid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  }
  liveGroups.delete(pgid);
}
