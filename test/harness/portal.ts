// The fake OKC portal (test/portal) as the harness uses it: started in-process on 127.0.0.1,
// and the `okcOpenData.portals` setting that points VS Code at it.

import { startFakePortal, type FakePortal } from '../portal/server';

export type RunningPortal = FakePortal;

export function startPortal(port = 0): Promise<FakePortal> {
  return startFakePortal({ port });
}

/** `okcOpenData.portals` pointing both portal kinds at one fake portal. */
export function fakePortalSettings(baseUrl: string): Record<string, unknown> {
  return {
    'okcOpenData.portals': [
      { name: 'OKC Open Data (fake)', kind: 'hub', url: baseUrl },
      { name: 'OKC Legacy (fake)', kind: 'legacy', url: baseUrl },
    ],
  };
}
