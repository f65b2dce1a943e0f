// Portal tokens for the MCP server, from its environment: OKC_PORTAL_TOKENS (a JSON object,
// portal name → token; what VS Code passes when it starts the server, read from SecretStorage
// at start) per portal, else OKC_PORTAL_TOKEN for every portal (standalone use). No `vscode`
// import; the values are never logged.

import { TOKEN_ENV_VAR } from '../snippets/request';

export const PORTAL_TOKENS_ENV_VAR = 'OKC_PORTAL_TOKENS';

export interface EnvTokens {
  /** The token for the portal named `portalName`, if any. */
  tokenFor(portalName: string): string | undefined;
  /** Every token, to scrub from answers. */
  all(): string[];
}

/** Reads the tokens once; a malformed OKC_PORTAL_TOKENS is reported through `problem` (without its value). */
export function envTokens(env: NodeJS.ProcessEnv, problem: (line: string) => void = () => undefined): EnvTokens {
  const perPortal = new Map<string, string>();
  const raw = env[PORTAL_TOKENS_ENV_VAR];
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      for (const [name, token] of Object.entries(parsed)) if (typeof token === 'string' && token) perPortal.set(name, token);
    } catch {
      problem(`${PORTAL_TOKENS_ENV_VAR} is not a JSON object of portal names and tokens; it is ignored`);
    }
  }
  const everywhere = env[TOKEN_ENV_VAR] || undefined;
  return {
    tokenFor: (portalName) => perPortal.get(portalName) ?? everywhere,
    all: () => [...perPortal.values(), ...(everywhere ? [everywhere] : [])],
  };
}
