// deps.ts is TypeScript: bundle just it first, so a missing dependency is named before the
// full build runs. Shared by `npm start` and `npm test`.
export async function bundleDeps() {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: ['test/harness/deps.ts'],
    outfile: 'out/test/harness/deps.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  await esbuild.stop();
}
