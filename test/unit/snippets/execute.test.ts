// Runs every generator's output with the real runtimes against the fake portal and compares
// the rows each program printed with what the fake portal's data says for the same query.

import assert from 'node:assert/strict';
import { generateSnippet } from '../../../src/snippets/index';
import type { DatasetQuery } from '../../../src/query/model';
import type { FakeDataset } from '../../portal/data';
import { startFakePortal } from '../../portal/server';
import { CASES, HOSTILE_NAME, hubLayerFacts, RENAMED_FOR_HOSTILE_NAME, requestFor, TOKEN_ENV, type LayerFacts, type SnippetCase } from '../../snippets/cases';
import { expectedLegacyRows, expectedRows } from '../../snippets/oracle';
import { EXECUTABLE_LANGUAGES, runSnippet, type Row } from '../../snippets/run';

type FakePortal = Awaited<ReturnType<typeof startFakePortal>>;

function sameValue(actual: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (typeof expected === 'number' && typeof actual === 'number') {
    return actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  return actual === expected;
}

export function assertSameRows(actual: Row[], expected: Row[], label: string): void {
  assert.ok(expected.length > 0 || label.includes('empty'), `${label}: the case should select some rows`);
  if (actual.length !== expected.length) {
    assert.fail(
      `${label}: got ${actual.length} rows, expected ${expected.length}.\n` +
        `first got: ${JSON.stringify(actual.slice(0, 3))}\nfirst expected: ${JSON.stringify(expected.slice(0, 3))}`,
    );
  }
  for (let i = 0; i < expected.length; i++) {
    for (const [key, value] of Object.entries(expected[i])) {
      if (!sameValue(actual[i]?.[key], value)) {
        assert.fail(`${label}: row ${i} field ${key}: got ${JSON.stringify(actual[i]?.[key])}, expected ${JSON.stringify(value)}\n` +
          `row got: ${JSON.stringify(actual[i]).slice(0, 500)}\nrow expected: ${JSON.stringify(expected[i]).slice(0, 500)}`);
      }
    }
  }
}


function hubLayer(portal: FakePortal, ds: FakeDataset): LayerFacts {
  return hubLayerFacts(portal.baseUrl, ds);
}

function dataset(portal: FakePortal, c: SnippetCase): FakeDataset {
  const ds = c.portalKind === 'hub' ? portal.catalog.byTitle(c.dataset) : portal.catalog.byLegacyName(c.dataset);
  if (!ds) throw new Error(`The fake portal has no dataset ${c.dataset}`);
  return ds;
}

async function expected(portal: FakePortal, c: SnippetCase, ds: FakeDataset, query: DatasetQuery): Promise<Row[]> {
  return c.portalKind === 'hub' ? expectedRows(ds, query) : expectedLegacyRows(portal.baseUrl, ds, query);
}

/** The `url` target gives the first page only (Hub) or every record unshaped (legacy GET). */
function urlApplies(c: SnippetCase): boolean {
  // An old server's URL is its first page in id order, whatever the query's window or sort.
  if (c.name.startsWith('old-')) return !c.pageAll;
  return c.portalKind === 'hub' || (!c.query.sort && !c.query.filters && !c.query.spatial && !c.query.limit && !c.query.offset && !c.query.fields);
}

describe('generated snippets run against the fake portal', function () {
  this.timeout(120_000);
  let portal: FakePortal;

  before(async () => {
    portal = await startFakePortal({ port: 0, bigRows: 5000 });
    const renamed = portal.catalog.byLegacyName(RENAMED_FOR_HOSTILE_NAME);
    if (!renamed) throw new Error(`The fake portal has no ${RENAMED_FOR_HOSTILE_NAME} to rename`);
    renamed.legacyName = HOSTILE_NAME;
  });

  after(async () => {
    await portal?.close();
  });

  for (const language of EXECUTABLE_LANGUAGES) {
    describe(language, () => {
      for (const c of CASES) {
        if (language === 'url' && !urlApplies(c)) continue;
        it(`${c.name}: prints the rows the portal's data holds`, async () => {
          const ds = dataset(portal, c);
          const request = requestFor(c, portal.baseUrl, c.portalKind === 'hub' ? hubLayer(portal, ds) : undefined, TOKEN_ENV);
          const snippet = generateSnippet(language, request);
          const { rows } = await runSnippet(language, snippet.text);
          let want = await expected(portal, c, ds, c.query);
          // A single request (the URL, or a snippet without pageAll) returns the first page only.
          if (c.portalKind === 'hub' && (language === 'url' || !c.pageAll)) {
            want = want.slice(0, Math.min(ds.maxRecordCount, request.maxRecordCount ?? Infinity));
          }
          assertSameRows(rows, want, `${language} ${c.name}`);
        });
      }

      if (language === 'url') return;
      for (const portalKind of ['hub', 'legacy'] as const) {
        it(`${portalKind}: sends the token from ${TOKEN_ENV} only when it is set`, async () => {
          const c = CASES.find((x) => x.portalKind === portalKind && x.name.endsWith('-plain')) as SnippetCase;
          const ds = dataset(portal, c);
          const secret = `s3cret-${portalKind}-'"$x\``;
          if (portalKind === 'hub') ds.token = secret;
          else ds.legacyApiKey = secret.replace(/[^\x21-\x7e]/g, '');
          try {
            const request = requestFor(c, portal.baseUrl, portalKind === 'hub' ? hubLayer(portal, ds) : undefined, TOKEN_ENV);
            const snippet = generateSnippet(language, request);
            const value = portalKind === 'hub' ? secret : (ds.legacyApiKey as string);
            assert.ok(!snippet.text.includes(value));
            const { rows } = await runSnippet(language, snippet.text, { env: { [TOKEN_ENV]: value } });
            assertSameRows(rows, await expected(portal, c, ds, c.query), `${language} with token`);
            await assert.rejects(runSnippet(language, snippet.text), (err: Error) => {
              assert.doesNotMatch(err.message, /s3cret/, 'the failure does not echo the token');
              return true;
            });
          } finally {
            delete ds.token;
            delete ds.legacyApiKey;
          }
        });
      }
    });
  }
});
