// The MCP server's host outside VS Code: its command line (portals from --portal /
// --legacy / --portals-json, default the city's two portals; saving only with --allow-save
// DIR and only inside DIR) and the assistant context on plain Node (tokens from the
// environment, see tokens.ts; catalog in memory). No `vscode` import.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { version } from '../../package.json';
import type { AssistantContext, SaveTarget } from '../assistant/index';
import { CatalogStore } from '../catalog/store';
import { PortalHttp, type HttpSettings } from '../portal/http';
import { createPortal, readPortalConfigs } from '../portal/index';
import type { PortalConfig } from '../portal/types';
import { NodeSaveFs } from '../save/index';
import { TOKEN_ENV_VAR } from '../snippets/request';
import { envTokens, PORTAL_TOKENS_ENV_VAR } from './tokens';

const USAGE = `Usage: node dist/mcp.js [--portal URL]... [--legacy URL]... [--portals-json JSON]
                      [--allow-save DIR [--save-folder SUBDIR]] [--timeout SECONDS]

OKC open data as MCP tools over stdio (search, describe, query, snippet, save).
  --portal URL        an ArcGIS Hub site or DCAT-US data.json (repeatable)
  --legacy URL        a legacy data.okc.gov Records API site (repeatable)
  --portals-json JSON the okcOpenData.portals setting's value: [{"name","kind","url"}]
  --allow-save DIR    enable the save tool; it writes only inside DIR
  --save-folder SUB   where a bare file name goes inside DIR (default: DIR itself)
  --timeout SECONDS   per request (default 30)
Without portals, the city's Hub site and legacy portal are used.
A portal token is read from the ${TOKEN_ENV_VAR} environment variable (every portal), or per
portal from ${PORTAL_TOKENS_ENV_VAR}, a JSON object of portal names and tokens.`;

const DEFAULT_PORTALS: PortalConfig[] = [
  { name: 'OKC Open Data', kind: 'hub', url: 'https://open-okc.hub.arcgis.com' },
  { name: 'OKC Legacy Portal', kind: 'legacy', url: 'https://data.okc.gov' },
];

export interface McpOptions {
  portals: PortalConfig[];
  allowSave?: string;
  saveFolder: string;
  timeoutSeconds: number;
}

export function parseArgs(argv: string[]): McpOptions {
  const options: McpOptions = { portals: [], saveFolder: '', timeoutSeconds: 30 };
  const raw: unknown[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--portal':
      case '--legacy': {
        const url = value();
        const kind = arg === '--legacy' ? 'legacy' : 'hub';
        const count = raw.filter((p) => (p as PortalConfig).kind === kind).length;
        raw.push({ name: `${kind === 'hub' ? 'OKC Open Data' : 'OKC Legacy Portal'}${count ? ` ${count + 1}` : ''}`, kind, url });
        break;
      }
      case '--portals-json': {
        const list = JSON.parse(value()) as unknown;
        if (!Array.isArray(list)) throw new Error('--portals-json needs a JSON array');
        raw.push(...list);
        break;
      }
      case '--allow-save':
        options.allowSave = nodePath.resolve(value());
        break;
      case '--save-folder':
        options.saveFolder = value();
        break;
      case '--timeout':
        options.timeoutSeconds = Number(value());
        if (!(options.timeoutSeconds > 0)) throw new Error('--timeout needs a number of seconds above 0');
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
    }
  }
  const { portals, problems } = readPortalConfigs(raw.length ? raw : DEFAULT_PORTALS);
  if (problems.length) throw new Error(`portals: ${problems.join('; ')}`);
  options.portals = portals;
  return options;
}

function saveTarget(root: string, saveFolder: string): SaveTarget {
  return {
    fs: new NodeSaveFs(),
    root,
    defaultFolder: saveFolder,
    ensureFolder: async (path) => {
      await fsp.mkdir(path, { recursive: true });
    },
    display: (path) => nodePath.relative(root, path) || '.',
  };
}

/** `http` overrides the client's settings (tests shorten retries). */
export function nodeAssistantContext(options: McpOptions, env: NodeJS.ProcessEnv, log: (line: string) => void, http: Partial<HttpSettings> = {}): AssistantContext {
  const client = new PortalHttp({ userAgent: `okc-open-data-mcp/${version} (Node ${process.versions.node})`, timeoutMs: options.timeoutSeconds * 1000, ...http });
  const tokens = envTokens(env, log);
  const store = new CatalogStore(
    options.portals.map((config) => createPortal(config, client, { token: async () => tokens.tokenFor(config.name) })),
    { read: async () => undefined, write: async () => undefined },
  );
  let loading: Promise<void> | undefined;
  let indexing: Promise<void> | undefined;
  const ready = (): Promise<void> =>
    (loading ??= (async () => {
      await store.refresh();
      for (const s of store.states()) if (s.error) log(`${s.config.name}: ${s.error.kind}: ${s.error.message}`);
    })());
  return {
    store,
    ready,
    // Field names make datasets findable by a column; read once, after the catalog.
    fieldsIndexed: () => (indexing ??= ready().then(() => store.indexFields(4))),
    secrets: async () => tokens.all(),
    save: options.allowSave ? saveTarget(options.allowSave, options.saveFolder) : undefined,
    saveDisabledReason: 'Saving is off in this MCP server. Whoever starts it can allow it with --allow-save <folder> (files are then written only inside that folder); meanwhile use okcOpenData_generateSnippet for code that downloads the rows.',
    tokenEnvVar: TOKEN_ENV_VAR,
  };
}

