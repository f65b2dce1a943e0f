import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hubQueryUrl } from '../../../src/query/compile';
import { generateAllSnippets, generateSnippet, languagesForEditor, snippetRequestFor, SNIPPET_LANGUAGES, type SnippetRequest } from '../../../src/snippets/index';
import { jsString } from '../../../src/snippets/javascript';
import { psString } from '../../../src/snippets/powershell';
import { rString } from '../../../src/snippets/r';
import { shQuote } from '../../../src/snippets/curl';
import { CASES, HOSTILE_VALUE, OLD_SERVER_CAPABILITIES, requestFor, TOKEN_ENV } from '../../snippets/cases';

const SITE = 'https://data.okc.gov';
const LAYER = {
  layerUrl: 'https://utility.arcgis.com/usrsvcs/servers/0123456789abcdef0123456789abcdef/rest/services/OpenData/Public_Safety/FeatureServer/4',
  objectIdField: 'OBJECTID',
  maxRecordCount: 2000,
};
/** An ArcGIS Server 10.x layer (old-* cases): no resultOffset, no geoJSON, lowercase objectid. */
const OLD_LAYER = {
  layerUrl: 'https://gis.example.invalid/arcgis/rest/services/Utilities/Hydrants/FeatureServer/0',
  objectIdField: 'objectid',
  maxRecordCount: 1000,
  capabilities: OLD_SERVER_CAPABILITIES,
};
const GOLDEN_DIR = resolve(__dirname, '..', '..', '..', '..', 'test', 'unit', 'snippets', 'golden');
const LANGUAGES = SNIPPET_LANGUAGES.map((l) => l.id);

function request(name: string, tokenEnvVar?: string): SnippetRequest {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return requestFor(c, SITE, c.portalKind === 'hub' ? (c.name.startsWith('old-') ? OLD_LAYER : LAYER) : undefined, tokenEnvVar);
}

/** What VS Code inserts for a SnippetString, placeholders taking their default values. */
function expandSnippet(snippet: string): string {
  let out = '';
  for (let i = 0; i < snippet.length; i++) {
    const ch = snippet[i];
    if (ch === '\\' && i + 1 < snippet.length && '\\$}'.includes(snippet[i + 1])) {
      out += snippet[++i];
    } else if (ch === '$' && snippet[i + 1] === '{') {
      const colon = snippet.indexOf(':', i);
      assert.match(snippet.slice(i + 2, colon), /^\d+$/, `placeholder index at ${i}`);
      i = colon;
    } else if (ch === '$' && /\d/.test(snippet[i + 1] ?? '')) {
      while (/\d/.test(snippet[i + 1] ?? '')) i++;
    } else if (ch === '}') {
      // The closing brace of a placeholder (literal ones are escaped).
    } else if (ch === '$') {
      assert.fail(`unescaped $ at ${i} in snippet: ${snippet.slice(Math.max(0, i - 20), i + 20)}`);
    } else {
      out += ch;
    }
  }
  return out;
}

/** UPDATE_GOLDEN=1 rewrites the golden files from the generator, by hand only: never under CI. */
export function goldenUpdateRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.UPDATE_GOLDEN !== '1') return false;
  if (env.CI) throw new Error('UPDATE_GOLDEN=1 is refused when CI is set: golden files are reviewed by hand, never rewritten by a CI run');
  return true;
}

describe('snippet generators', () => {
  it('register every language with a label and VS Code language ids', () => {
    assert.deepEqual(LANGUAGES, ['curl', 'javascript', 'typescript', 'python-requests', 'python-pandas', 'r', 'powershell', 'url']);
    for (const l of SNIPPET_LANGUAGES) assert.ok(l.label && l.vscodeLanguageIds.length, l.id);
    assert.deepEqual(languagesForEditor('python'), ['python-requests', 'python-pandas']);
  });

  for (const c of CASES) {
    it(`render ${c.name} in every language, as text and as an equivalent SnippetString`, () => {
      for (const language of LANGUAGES) {
        const snippet = generateSnippet(language, request(c.name, TOKEN_ENV));
        assert.equal(snippet.language, language);
        assert.doesNotMatch(snippet.text, /[\uE000-\uE002]/);
        assert.equal(expandSnippet(snippet.snippet), snippet.text, `${language} SnippetString expands to the text`);
        if (language !== 'url') assert.match(snippet.snippet, /\$\{1:/, `${language} has a tab stop on the dataset`);
      }
    });
  }

  it('put tab stops on the where clause and the token variable', () => {
    for (const language of LANGUAGES.filter((l) => l !== 'url')) {
      const snippet = generateSnippet(language, request('hub-filtered', TOKEN_ENV)).snippet;
      assert.match(snippet, /\$\{2:[^}]*OBJECTID > 20/, language);
      assert.match(snippet, new RegExp(`\\$\\{3:[^}]*${TOKEN_ENV}`), language);
    }
  });

  it('never inline a token: the code reads the variable, and the compiled URL has none', () => {
    const secret = 'secret-token-value-7f3a';
    const previous = process.env[TOKEN_ENV];
    process.env[TOKEN_ENV] = secret;
    try {
      for (const c of CASES) {
        for (const language of LANGUAGES) {
          const withToken = generateSnippet(language, request(c.name, TOKEN_ENV));
          assert.ok(!withToken.text.includes(secret), `${language} ${c.name}`);
          if (language !== 'url') assert.ok(withToken.text.includes(TOKEN_ENV), `${language} ${c.name} reads ${TOKEN_ENV}`);
          const without = generateSnippet(language, request(c.name));
          assert.doesNotMatch(without.text, /token/i, `${language} ${c.name} without a token variable sends none`);
        }
      }
      const url = hubQueryUrl(CASES[1].query, LAYER);
      assert.doesNotMatch(url, /token/i);
    } finally {
      if (previous === undefined) delete process.env[TOKEN_ENV];
      else process.env[TOKEN_ENV] = previous;
    }
  });

  it('refuse names that could break out of code', () => {
    const base = request('hub-plain');
    assert.throws(() => generateSnippet('curl', { ...base, tokenEnvVar: 'A; rm -rf ~' }), /environment variable/);
    assert.throws(() => generateSnippet('python-requests', { ...request('legacy-plain', TOKEN_ENV), legacyTokenHeader: 'X: y\r\nZ' }), /header/);
    assert.throws(() => generateSnippet('r', { ...base, query: { fields: ['a"b'] } }), /not a valid field name/);
    assert.throws(() => generateSnippet('javascript', { ...base, datasetTitle: 'x\uE000' }), /private-use/);
    assert.throws(() => generateSnippet('python-requests', { ...base, layerUrl: undefined }), /no layer URL/);
  });

  it('escape hostile values per language', () => {
    assert.equal(shQuote("a'b"), "'a'\\''b'");
    assert.equal(psString("it's ‘x’ $HOME `n"), "'it''s ‘‘x’’ $HOME `n'");
    assert.equal(rString('a"b\\c\nd é 😀'), '"a\\"b\\\\c\\nd \\u{e9} \\U{1f600}"');
    assert.equal(jsString('${x}`'), '"${x}`"');
    // Titles go into comments on one line only.
    const code = generateSnippet('python-requests', request('hub-hostile-value')).text;
    const commentLine = code.split('\n')[0];
    assert.ok(commentLine.startsWith('# '), commentLine);
    assert.ok(!code.split('\n')[1].includes('new line'), 'the title newline does not leak out of the comment');
    assert.ok(code.includes(JSON.stringify(HOSTILE_VALUE.replace(/'/g, "''")).slice(1, -1)), 'the SQL-quoted value in a Python string');
  });

  it('show a bidi override of the title as <U+202E> in the comment, in every language', () => {
    for (const language of LANGUAGES.filter((l) => l !== 'url')) {
      const text = generateSnippet(language, request('hub-prototype-field-names', TOKEN_ENV)).text;
      assert.ok(!text.includes('\u202E'), `${language} writes the raw override`);
      assert.ok(text.includes('<U+202E>gnp.exe'), `${language} leaves the override out`);
    }
  });

  it('build requests from the catalog and schema, typing filter values by field kind', () => {
    const hubDataset = {
      portal: 'OKC', id: 'abc_4', title: 'Fire Stations', description: '', groups: ['Public Safety'], keywords: [], downloads: [],
      geometry: 'point' as const, apiUrl: LAYER.layerUrl,
    };
    const schema = {
      fields: [
        { name: 'OBJECTID', kind: 'oid' as const, nativeType: 'esriFieldTypeOID' },
        { name: 'Opened', kind: 'date' as const, nativeType: 'esriFieldTypeDate' },
        { name: 'STATION_NO', kind: 'integer' as const, nativeType: 'esriFieldTypeSmallInteger' },
      ],
      objectIdField: 'OBJECTID', geometry: 'point' as const, maxRecordCount: 1000,
    };
    const query = { filters: [{ field: 'Opened', op: '>=' as const, value: '2020-01-02' }, { field: 'STATION_NO', op: '=' as const, value: '7' }] };
    const hub = snippetRequestFor({ name: 'OKC', kind: 'hub', url: 'https://open-okc.hub.arcgis.com' }, hubDataset, schema, query, { tokenEnvVar: TOKEN_ENV });
    assert.equal(hub.layerUrl, LAYER.layerUrl);
    assert.equal(hub.maxRecordCount, 1000);
    assert.equal(hub.pageAll, true);
    const python = generateSnippet('python-requests', hub).text;
    assert.ok(python.includes(`"(Opened >= timestamp '2020-01-02 00:00:00') AND (STATION_NO = 7)"`), python);
    const legacy = snippetRequestFor({ name: 'Old', kind: 'legacy', url: 'https://data.okc.gov' }, { ...hubDataset, id: 'Fire Stations', apiUrl: undefined }, undefined, {});
    assert.equal(legacy.datasetName, 'Fire Stations');
    assert.throws(() => snippetRequestFor({ name: 'OKC', kind: 'hub', url: 'https://x' }, { ...hubDataset, apiUrl: undefined }, schema, {}), /no FeatureServer layer/);
    assert.deepEqual(generateAllSnippets(hub).map((s) => s.language), LANGUAGES);
  });

  it('give the plain URL of the first page and say what it cannot carry', () => {
    const hub = generateSnippet('url', request('hub-paged-over-max'));
    const url = new URL(hub.text);
    assert.equal(url.searchParams.get('outFields'), 'OBJECTID,CODE');
    const windowed = new URL(generateSnippet('url', request('hub-paged-limit-across-pages')).text);
    assert.equal(windowed.searchParams.get('resultOffset'), '1990');
    assert.equal(windowed.searchParams.get('resultRecordCount'), '10');
    assert.ok(hub.notes?.[0].includes('exceededTransferLimit'));
    const legacy = generateSnippet('url', request('legacy-sorted-window'));
    assert.equal(legacy.text, `${SITE}/services/portal/api/data/records/Fire%20Stations`);
    assert.ok(legacy.notes?.some((n) => n.includes('POST')));
  });

  it('match the PowerShell golden files (no pwsh on Debian to run them)', () => {
    // Regenerating expectations in CI would make this test pass whatever the generator wrote.
    const update = goldenUpdateRequested(process.env);
    if (update) mkdirSync(GOLDEN_DIR, { recursive: true });
    for (const c of CASES) {
      const file = join(GOLDEN_DIR, `${c.name}.ps1`);
      const text = generateSnippet('powershell', request(c.name, TOKEN_ENV)).text;
      if (update) writeFileSync(file, text);
      assert.ok(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
      assert.equal(text, readFileSync(file, 'utf8'), c.name);
    }
  });

  it('refuse UPDATE_GOLDEN under CI', () => {
    assert.throws(() => goldenUpdateRequested({ UPDATE_GOLDEN: '1', CI: 'true' }), /refused when CI is set/);
    assert.equal(goldenUpdateRequested({ UPDATE_GOLDEN: '1' }), true);
    assert.equal(goldenUpdateRequested({ CI: 'true' }), false);
  });

  it('write PowerShell strings in which $ and backticks stay inert', () => {
    const text = generateSnippet('powershell', request('hub-hostile-value', TOKEN_ENV)).text;
    const { outside, expandable } = scanPowerShellStrings(text);
    assert.doesNotMatch(outside, /\$HOME|whoami|\$\{x\}|DROP TABLE/, 'hostile text only inside strings');
    for (const body of expandable) assert.doesNotMatch(body, /(^|[^`])\$/, `unescaped $ in "${body}"`);
    assert.ok(!text.includes('\r'), 'no raw CR that an editor could rewrite');
  });

  it('write control characters as escapes in shell and PowerShell', () => {
    assert.equal(shQuote("a\r\nb'c\\"), "$'a\\r\\nb\\'c\\\\'");
    assert.equal(psString('a\r\n$x`y"z“'), '"a`r`n`$x``y`"z`“"');
  });
});

/** Splits PowerShell code into text outside strings and the bodies of "..." strings. */
function scanPowerShellStrings(code: string): { outside: string; expandable: string[] } {
  const single = "'\u2018\u2019\u201a\u201b";
  const double = '"\u201c\u201d\u201e';
  let outside = '';
  const expandable: string[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '#') {
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end - 1;
    } else if (single.includes(ch)) {
      for (i++; i < code.length; i++) {
        if (single.includes(code[i])) {
          if (single.includes(code[i + 1] ?? '')) i++;
          else break;
        }
      }
    } else if (double.includes(ch)) {
      let body = '';
      for (i++; i < code.length && !double.includes(code[i]); i++) {
        if (code[i] === '`') body += code[i++];
        body += code[i];
      }
      expandable.push(body);
    } else {
      outside += ch;
    }
  }
  return { outside, expandable };
}
