// Packages the extension the way it ships: `vsce package --no-dependencies`, which runs the
// `vscode:prepublish` production build first. The bundle needs no runtime node_modules.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface PackagedVsix {
  path: string;
  bytes: number;
}

export function packageVsix(projectDir: string, outPath: string): PackagedVsix {
  const path = resolve(outPath);
  mkdirSync(dirname(path), { recursive: true });
  const vsce = join(process.cwd(), 'node_modules', '.bin', 'vsce');
  const result = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', path], {
    cwd: projectDir,
    encoding: 'utf8',
    timeout: 180_000,
    // vsce asks y/N questions (missing LICENSE or repository) on stdin; closed stdin makes that a failure.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || !existsSync(path)) {
    const output = `${result.error?.message ?? ''}${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`vsce package failed (exit ${result.status}):\n${output.slice(-3000)}`);
  }
  return { path, bytes: statSync(path).size };
}
