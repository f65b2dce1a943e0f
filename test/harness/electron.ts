// `npm run test:electron`: the same integration suite in desktop VS Code via @vscode/test-electron,
// for machines with internet (it downloads VS Code into .vscode-test/). Not part of `npm test`,
// which uses code-server because these machines cannot reach Microsoft's update server.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeSampleWorkspace, writeSettings } from './codeServer';
import { fakePortalSettings, startPortal } from './portal';
import { scratchDir } from './processes';
import type { IntegrationResults } from './results';
import { formatResults } from './runIntegration';

async function main(): Promise<void> {
  const scratch = scratchDir('electron');
  const resultsPath = join(scratch.path, 'results.json');
  const userDataDir = join(scratch.path, 'user-data');
  const portal = await startPortal();
  try {
    writeSettings(userDataDir, fakePortalSettings(portal.baseUrl));
    await runTests({
      extensionDevelopmentPath: resolve('.'),
      extensionTestsPath: resolve('out/test/integration/index'),
      extensionTestsEnv: { OKC_TEST_RESULTS: resultsPath, OKC_FAKE_PORTAL_URL: portal.baseUrl },
      launchArgs: [makeSampleWorkspace(join(scratch.path, 'workspace')), '--user-data-dir', userDataDir, '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (error) {
    process.stderr.write(`test:electron failed: ${error instanceof Error ? error.message : String(error)}\n(it downloads VS Code from Microsoft; without internet use npm test, which runs the same suite in code-server)\n`);
    process.exitCode = 1;
  } finally {
    try {
      process.stdout.write(`${formatResults(JSON.parse(readFileSync(resultsPath, 'utf8')) as IntegrationResults)}\n`);
    } catch {
      process.stderr.write('no integration results were written (VS Code did not start or did not reach the tests)\n');
      process.exitCode = 1;
    }
    await portal.close();
    scratch.remove();
  }
}

void main();
