// The extension's two host bundles (esbuild.mjs): activation evaluates only the catalog's
// modules, and the features bundle, loaded after it, holds no second copy of any of them.
// Reads the development build (`node esbuild.mjs --tests`), whose modules are marked.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The source modules esbuild put in a bundle, from the `// src/...` line it writes before each. */
function sourceModules(path: string): Set<string> {
  const found = new Set([...readFileSync(path, 'utf8').matchAll(/^\/\/ (src\/\S+\.ts)$/gm)].map((m) => m[1]));
  assert.ok(found.size > 0, `${path} has no module markers: build it without --production`);
  return found;
}

describe('extension bundles', () => {
  it('activation evaluates no command, panel, tool, map, save or CSV module', () => {
    const activation = sourceModules('dist/extension.js');
    assert.ok(activation.has('src/catalog/store.ts') && activation.has('src/catalog/tree.ts'));
    const firstUse = [...activation].filter((path) => /^src\/(map|tools|assistant|mcp|preview|editor|snippets|save|stats|csv|webview)\//.test(path) || path === 'src/catalog/commands.ts' || path === 'src/features.ts');
    assert.deepEqual(firstUse, []);
  });

  it('the features bundle uses the modules activation loaded instead of copies of them', () => {
    const activation = sourceModules('dist/extension.js');
    const features = sourceModules('dist/features.js');
    assert.ok(features.has('src/features.ts') && features.has('src/map/commands.ts') && features.has('src/tools/lmTools.ts'));
    assert.deepEqual([...features].filter((path) => activation.has(path)), []);
    // It reads them from the activation bundle's table, which has each of them.
    const table = readFileSync('dist/extension.js', 'utf8').match(/var __modules = \{([^\n]*)\};/)?.[1] ?? '';
    for (const path of ['src/portal/errors.ts', 'src/catalog/store.ts', 'src/messages.ts']) assert.ok(table.includes(JSON.stringify(path)), `${path} is not in the activation bundle's module table`);
  });
});
