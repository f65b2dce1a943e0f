// The TypeScript snippets must type-check under `strict` against ky's own types, not only
// run after esbuild strips the types: users paste them into strict projects.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateSnippet } from '../../../src/snippets/index';
import { CASES, requestFor, TOKEN_ENV } from '../../snippets/cases';

function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'typescript', 'bin', 'tsc'))) return dir;
  }
  throw new Error('No node_modules/typescript above the test');
}

describe('TypeScript snippets', function () {
  this.timeout(120_000);

  it('type-check under strict with ky and @types/node', async () => {
    const root = repoRoot();
    const dir = await mkdtemp(join(tmpdir(), 'okc-snippet-tsc-'));
    try {
      const layer = { layerUrl: 'http://127.0.0.1:9/x/FeatureServer/0', objectIdField: 'OBJECTID', maxRecordCount: 2000 };
      for (const c of CASES) {
        const request = requestFor(c, 'http://127.0.0.1:9', c.portalKind === 'hub' ? layer : undefined, TOKEN_ENV);
        await writeFile(join(dir, `${c.name}.ts`), generateSnippet('typescript', request).text);
      }
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'Bundler',
            lib: ['ES2022', 'DOM'],
            types: ['node'],
            typeRoots: [join(root, 'node_modules', '@types')],
            paths: { ky: [join(root, 'node_modules', 'ky')] },
            skipLibCheck: true,
          },
          include: ['*.ts'],
        }),
      );
      const output = await new Promise<string>((resolve) => {
        execFile(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { timeout: 110_000 }, (error, stdout, stderr) =>
          resolve(error ? `${stdout}${stderr}` || error.message : ''),
        );
      });
      assert.equal(output, '', output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
