// Executes a generated snippet with the real runtime of its language (Debian's curl, node,
// python3, Rscript) and returns the rows it printed. The printer is appended here, outside
// the snippet text, so what runs is exactly what the user gets plus one print statement.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SnippetLanguage } from '../../src/snippets/index';

export type Row = Record<string, unknown>;

/** Debian's interpreter: its python3-requests / python3-pandas are not in a pyenv build. */
export const PYTHON = '/usr/bin/python3';

/** The checkout whose node_modules holds ky (tests run from out/test/...). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'ky', 'package.json'))) return dir;
  }
  throw new Error(`No node_modules/ky above ${__dirname}: the TypeScript snippet tests bundle ky from the checkout.`);
}

interface Runtime {
  /** Programs that must exist; a missing one fails the test with the apt package to install. */
  needs: { path: string; aptPackage: string }[];
  /** A command that fails when a library the snippets load is missing. */
  probe?: { args: [string, string[]]; aptPackage: string };
  file: string;
  printer: string;
  command: (file: string) => [string, string[]];
}

const RUNTIMES: Record<Exclude<SnippetLanguage, 'url' | 'powershell' | 'typescript'>, Runtime> = {
  curl: {
    needs: [
      { path: '/usr/bin/curl', aptPackage: 'curl' },
      { path: '/usr/bin/jq', aptPackage: 'jq' },
      { path: '/bin/bash', aptPackage: 'bash' },
    ],
    file: 'snippet.sh',
    printer: '',
    command: (file) => ['/bin/bash', [file]],
  },
  javascript: {
    needs: [],
    file: 'snippet.mjs',
    printer: '\nconsole.log(JSON.stringify(rows));\n',
    command: (file) => [process.execPath, [file]],
  },
  'python-requests': {
    needs: [{ path: PYTHON, aptPackage: 'python3-requests' }],
    probe: { args: [PYTHON, ['-c', 'import requests']], aptPackage: 'python3-requests' },
    file: 'snippet.py',
    printer: '\nimport json as _json\nprint(_json.dumps(rows))\n',
    command: (file) => [PYTHON, [file]],
  },
  'python-pandas': {
    needs: [{ path: PYTHON, aptPackage: 'python3-pandas' }],
    probe: { args: [PYTHON, ['-c', 'import requests, pandas']], aptPackage: 'python3-requests python3-pandas' },
    file: 'snippet.py',
    printer: '\nprint(df.to_json(orient="records", double_precision=15))\n',
    command: (file) => [PYTHON, [file]],
  },
  r: {
    needs: [{ path: '/usr/bin/Rscript', aptPackage: 'r-base-core r-cran-httr2 r-cran-jsonlite' }],
    probe: { args: ['/usr/bin/Rscript', ['--vanilla', '-e', 'library(httr2); library(jsonlite)']], aptPackage: 'r-cran-httr2 r-cran-jsonlite' },
    file: 'snippet.R',
    printer: '\ncat(jsonlite::toJSON(rows, auto_unbox = TRUE, null = "null", na = "null", digits = NA))\n',
    command: (file) => ['/usr/bin/Rscript', ['--vanilla', file]],
  },
};

export const EXECUTABLE_LANGUAGES: SnippetLanguage[] = ['curl', 'javascript', 'typescript', 'python-requests', 'python-pandas', 'r', 'url'];

export interface RunOptions {
  /** Extra environment, e.g. the token variable; proxies and tokens are otherwise removed. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunResult {
  rows: Row[];
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Proxies would send 127.0.0.1 traffic elsewhere; stray tokens would hide a missing header.
    if (/proxy|token|api_key/i.test(k)) continue;
    env[k] = v;
  }
  env.NO_PROXY = '127.0.0.1,localhost';
  env.LANG = env.LANG ?? 'C.UTF-8';
  env.PYTHONIOENCODING = 'utf-8';
  return { ...env, ...extra };
}

function exec(command: string, args: string[], cwd: string, options: RunOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { cwd, env: cleanEnv(options.env), timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout.slice(0, 2000)}`));
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

const probed = new Map<SnippetLanguage, string>();

/** Throws, naming the Debian package, when the language's runtime or libraries are missing. */
export function assertRuntime(language: SnippetLanguage): void {
  if (language === 'javascript' || language === 'typescript' || language === 'url' || language === 'powershell') return;
  const runtime = RUNTIMES[language];
  for (const need of runtime.needs) {
    if (!existsSync(need.path)) {
      throw new Error(`${need.path} is missing: the ${language} snippet tests need \`apt-get install -y ${need.aptPackage}\` (listed in scripts/debian-packages.txt).`);
    }
  }
  if (!runtime.probe) return;
  if (!probed.has(language)) {
    const [command, args] = runtime.probe.args;
    try {
      execFileSync(command, args, { stdio: 'pipe', timeout: 60_000 });
      probed.set(language, '');
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').pop();
      probed.set(language, `${language} snippet tests need \`apt-get install -y ${runtime.probe.aptPackage}\` (listed in scripts/debian-packages.txt): ${stderr}`);
    }
  }
  const problem = probed.get(language);
  if (problem) throw new Error(problem);
}

/** Rows from whatever shape a program printed: ArcGIS features, GeoJSON, Records API
 * responses, arrays of rows, or JSON lines (curl + jq). */
export function rowsFromOutput(stdout: string): Row[] {
  const trimmed = stdout.trim();
  if (!trimmed) throw new Error('The program printed nothing.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    parsed = trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  }
  if (!Array.isArray(parsed)) {
    const object = parsed as Record<string, unknown>;
    if (object.error) throw new Error(`The portal answered with an error: ${JSON.stringify(object.error)}`);
    if (Array.isArray(object.features)) parsed = object.features;
    else if (Array.isArray(object.Fields) && Array.isArray(object.Records)) {
      const names = (object.Fields as { FieldName: string }[]).map((f) => f.FieldName);
      parsed = (object.Records as unknown[][]).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
    } else if (Object.keys(object).length === 0) {
      // jsonlite writes an empty list as [] but an empty named list as {}.
      parsed = [];
    } else {
      throw new Error(`Unexpected output: ${trimmed.slice(0, 300)}`);
    }
  }
  return (parsed as Row[]).map((item) => {
    if (item && typeof item === 'object' && 'attributes' in item) return item.attributes as Row;
    if (item && typeof item === 'object' && item.type === 'Feature') return (item.properties ?? {}) as Row;
    return item;
  });
}

async function bundleTypeScript(dir: string, source: string): Promise<string> {
  // esbuild is external in the test bundle, so this loads the repository's own copy.
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const entry = join(dir, 'snippet.ts');
  const outfile = join(dir, 'snippet.mjs');
  await writeFile(entry, source);
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    nodePaths: [join(repoRoot(), 'node_modules')],
  });
  return outfile;
}

/** Writes `text` plus the printer to a fresh temp dir, runs it and returns its rows. */
export async function runSnippet(language: SnippetLanguage, text: string, options: RunOptions = {}): Promise<RunResult> {
  assertRuntime(language);
  if (language === 'powershell') throw new Error('PowerShell snippets are checked against golden files (no pwsh on Debian).');
  if (language === 'url') {
    const response = await fetch(text.trim());
    const stdout = await response.text();
    if (!response.ok) throw new Error(`GET ${text} answered ${response.status}: ${stdout.slice(0, 300)}`);
    return { rows: rowsFromOutput(stdout), stdout, stderr: '' };
  }
  const dir = await mkdtemp(join(tmpdir(), `okc-snippet-${language}-`));
  try {
    if (language === 'typescript') {
      const outfile = await bundleTypeScript(dir, `${text}\nconsole.log(JSON.stringify(rows));\n`);
      const { stdout, stderr } = await exec(process.execPath, [outfile], dir, options);
      return { rows: rowsFromOutput(stdout), stdout, stderr };
    }
    const runtime = RUNTIMES[language];
    const file = join(dir, runtime.file);
    await writeFile(file, text + runtime.printer);
    const [command, args] = runtime.command(file);
    const { stdout, stderr } = await exec(command, args, dir, options);
    return { rows: rowsFromOutput(stdout), stdout, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
