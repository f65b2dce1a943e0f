// Picks the implementation for a configured portal kind.

import { HubPortal, type Credentials } from './hub';
import type { PortalHttp } from './http';
import { LegacyPortal } from './legacy';
import type { Portal, PortalConfig } from './types';

export function createPortal(config: PortalConfig, http: PortalHttp, credentials: Credentials): Portal {
  return config.kind === 'legacy' ? new LegacyPortal(config, http, credentials) : new HubPortal(config, http, credentials);
}

/** The setting's value, checked: bad entries are dropped with a reason instead of breaking the view. */
export function readPortalConfigs(value: unknown): { portals: PortalConfig[]; problems: string[] } {
  const portals: PortalConfig[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, entry] of (Array.isArray(value) ? value : []).entries()) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    const url = typeof e.url === 'string' ? e.url.trim() : '';
    const kind = e.kind === 'legacy' ? 'legacy' : e.kind === 'hub' || e.kind === undefined ? 'hub' : undefined;
    let valid = false;
    try {
      valid = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      valid = false;
    }
    if (!name || !valid || !kind) problems.push(`entry ${i + 1}: needs a name, a kind ("hub" or "legacy") and an http(s) url`);
    else if (names.has(name)) problems.push(`entry ${i + 1}: the name "${name}" is used twice`);
    else {
      names.add(name);
      portals.push({ name, kind, url });
    }
  }
  return { portals, problems };
}
