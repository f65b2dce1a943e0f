// Bundles the extension (node, cjs), the webview scripts (browser, iife) and, with
// --tests, every test, harness and benchmark entry point into out/ (node, cjs).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { writeOklahomaCounties } from './scripts/basemap.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const tests = args.has('--tests');
const quiet = args.has('--quiet');

function entries(dir, filter) {
  const found = [];
  let names = [];
  try { names = readdirSync(dir); } catch { return found; }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...entries(path, filter));
    else if (filter(path)) found.push(path);
  }
  return found;
}

// `.wat` modules (WebAssembly text, e.g. the CSV scanner's hot loop) are compiled at build time
// and embedded as bytes, so there is no binary in git and no file to load at run time.
const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async ({ path }) => {
      const wabt = await (await import('wabt')).default();
      const module = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true });
      try {
        return { contents: module.toBinary({}).buffer, loader: 'binary' };
      } finally {
        module.destroy();
      }
    });
  },
};

const common = { plugins: [watPlugin], bundle: true, sourcemap: production ? false : 'linked', logLevel: quiet ? 'error' : 'info', legalComments: 'none' };

// The extension is two bundles: dist/extension.js, what activation evaluates (the catalog
// and its view), and dist/features.js, the commands, panels and tools it loads just after
// activating (src/features.ts). Modules both use must exist once (their state, `instanceof
// PortalError`): the activation bundle exports each of its modules by path as `__modules`,
// and in the features bundle an import of one of them reads it from there.
const hostOptions = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], minify: production };
const activationInputs = Object.keys(
  (await esbuild.build({ ...hostOptions, entryPoints: ['src/extension.ts'], outdir: 'dist', write: false, metafile: true, sourcemap: false, logLevel: 'error' })).metafile.inputs,
).filter((path) => path.startsWith('src/') && path.endsWith('.ts') && path !== 'src/extension.ts');
const activationEntry = [
  "export * from './src/extension';",
  ...activationInputs.map((path, i) => `import * as m${i} from './${path.replace(/\.ts$/, '')}';`),
  `export const __modules = { ${activationInputs.map((path, i) => `${JSON.stringify(path)}: m${i}`).join(', ')} };`,
].join('\n');
const fromActivationBundle = {
  name: 'from-activation-bundle',
  setup(build) {
    const shared = new Set(activationInputs.map((path) => resolve(path)));
    build.onResolve({ filter: /^\./ }, async (args) => {
      if (args.namespace === 'activation-module') return { path: args.path, external: true };
      if (args.pluginData?.plain) return undefined;
      const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { plain: true } });
      if (found.errors.length || !shared.has(found.path)) return undefined;
      return { path: relative('.', found.path).split('\\').join('/'), namespace: 'activation-module' };
    });
    build.onLoad({ filter: /.*/, namespace: 'activation-module' }, (args) => ({
      contents: `module.exports = require('./extension.js').__modules[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};

const builds = [
  esbuild.build({ ...hostOptions, stdin: { contents: activationEntry, resolveDir: '.', sourcefile: 'activation.ts', loader: 'ts' }, outfile: 'dist/extension.js' }),
  esbuild.build({ ...hostOptions, entryPoints: ['src/features.ts'], outfile: 'dist/features.js', plugins: [...common.plugins, fromActivationBundle] }),
  // The CSV profile runs in a worker thread of the extension host: its own entry point.
  esbuild.build({ ...hostOptions, entryPoints: { csvProfileWorker: 'src/stats/csvProfileWorker.ts' }, outdir: 'dist' }),
  esbuild.build({
    ...common,
    // The MCP server: its own bundle, runs on plain Node (no `vscode` anywhere in it).
    entryPoints: ['src/mcp/main.ts'],
    outfile: 'dist/mcp.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: production,
  }),
  esbuild.build({
    ...common,
    // One bundle per panel: only the top-level files are entry points; subfolders are their modules.
    entryPoints: entries('src/webview', (p) => dirname(p) === 'src/webview' && p.endsWith('.ts') && !p.endsWith('.d.ts')),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: production,
  }),
];

if (tests) {
  builds.push(
    esbuild.build({
      ...common,
      entryPoints: [
        ...entries('test', (p) => p.endsWith('.ts') && !p.endsWith('.d.ts')),
        ...entries('bench', (p) => p.endsWith('.ts')),
      ],
      outdir: 'out',
      outbase: '.',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // The extension host provides `vscode`; playwright-core and mocha stay external so
      // their own lazy requires and assets keep working.
      external: ['vscode', 'playwright-core', 'mocha', 'esbuild'],
    }),
  );
}

await Promise.all(builds);

// Stylesheets and the codicon font the webviews load through asWebviewUri.
mkdirSync('dist/webview', { recursive: true });
copyFileSync('src/webview/webview.css', 'dist/webview/webview.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
// The map: its stylesheet, Leaflet's without the image rules (the map uses none, and the
// webview loads nothing it does not need), and the county outlines cut from us-atlas.
copyFileSync('src/webview/map.css', 'dist/webview/map.css');
writeFileSync('dist/webview/leaflet.css', readFileSync('node_modules/leaflet/dist/leaflet.css', 'utf8').replace(/[^{}]*\{[^}]*url\([^}]*\}/g, ''));
writeOklahomaCounties('dist/webview/oklahoma-counties.json');
