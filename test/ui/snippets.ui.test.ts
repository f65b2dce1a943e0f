// Insert API Query Snippet driven the way a user does it: palette, dataset search, the
// query quick picks (fields, filter, sort, a spatial filter, limit), the language, and the
// code appearing in a new Python editor.

import assert from 'node:assert/strict';
import {
  EXTENSION_TITLE,
  acceptQuickPickRow,
  clickActivity,
  closeAllEditors,
  commandTitle,
  dismissQuickInput,
  openWorkbench,
  quickInput,
  quickPickRow,
  runCommand,
  screenshot,
  session,
  treeItems,
} from './harness';

describe('UI: Insert API Query Snippet', function () {
  this.timeout(180_000);

  before(async () => {
    await openWorkbench();
    await clickActivity(EXTENSION_TITLE);
    await treeItems('Catalog');
    await closeAllEditors();
  });

  // The harness reverts and closes the untitled editor the snippet opened; Recently Used is ours.
  after(async () => {
    const { page } = await session();
    await dismissQuickInput(page);
    await runCommand(commandTitle('okcOpenData.clearRecent'));
  });

  it('walks the quick-pick flow, with a spatial filter, and inserts Python into a new editor', async () => {
    const { page } = await session();
    await runCommand(commandTitle('okcOpenData.insertSnippet'));

    await quickInput(page).fill('fire stations');
    await acceptQuickPickRow(page, page.locator('.quick-input-list .monaco-list-row', { hasText: 'OKC Open Data (fake)' }).filter({ hasText: 'Fire Stations' }).first());

    await acceptQuickPickRow(page, quickPickRow(page, 'Choose fields, filters, sort and limit…'));
    // Fields: every field is picked already; accept once the list is the field list.
    await page.locator('.quick-input-widget input[placeholder^="Fields to return"]').first().waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'OBJECTID' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await acceptQuickPickRow(page, quickPickRow(page, 'No filter'), 30_000);
    await acceptQuickPickRow(page, quickPickRow(page, 'No sort'), 30_000);
    await acceptQuickPickRow(page, quickPickRow(page, 'Within a distance of a point'), 30_000);
    // The point and distance box comes pre-filled with City Hall and 1,000 m.
    await page.locator('.quick-input-message', { hasText: 'Longitude, latitude, distance in meters' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    // Limit: empty for every matching row.
    await page.locator('.quick-input-message', { hasText: 'Most rows to return' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget input[placeholder^="Which language"]').first().waitFor({ timeout: 30_000 });
    await quickInput(page).fill('Python (requests)');
    await acceptQuickPickRow(page, quickPickRow(page, 'Python (requests)'), 30_000);

    const editor = page.locator('.editor-instance .view-lines').first();
    await editor.waitFor({ timeout: 15_000 });
    await page.locator('.editor-instance .view-lines', { hasText: 'requests' }).first().waitFor({ timeout: 15_000 });
    const text = ((await editor.textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(text, /import requests/);
    assert.match(text, /\/query/);
    assert.match(text, /distance/);
    assert.match(text, /esriGeometryPoint|geometryType/);
    assert.match(text, /OKC_PORTAL_TOKEN/);
    // The editor's language, as the status bar names it.
    await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*Python\s*$/ }).first().waitFor({ timeout: 10_000 });
    await screenshot('snippet-python', page);
  });
});
