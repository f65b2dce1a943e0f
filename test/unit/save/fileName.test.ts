import assert from 'node:assert/strict';
import * as path from 'node:path';
import { MAX_FILE_NAME_BYTES, resolveInside, sanitizeFileName } from '../../../src/save/fileName';

const FOLDER = path.resolve('/home/someone/project/data');

function assertSafe(name: string, ext: string): string {
  const safe = sanitizeFileName(name, ext);
  assert.ok(safe.endsWith(`.${ext}`), `${JSON.stringify(safe)} keeps .${ext}`);
  assert.ok(!/[/\\]/.test(safe), `${JSON.stringify(safe)} has no separator`);
  assert.ok(!/[\p{Cc}\p{Cf}]/u.test(safe), `${JSON.stringify(safe)} has no control or bidi character`);
  assert.ok(!/^[.\s]|[.\s]$/.test(safe), `${JSON.stringify(safe)} has no leading/trailing dot or space`);
  assert.ok(Buffer.byteLength(safe) <= MAX_FILE_NAME_BYTES);
  assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(safe), `${JSON.stringify(safe)} is not a device name`);
  const resolved = resolveInside(FOLDER, safe);
  assert.equal(path.dirname(resolved), FOLDER);
  return safe;
}

describe('save/fileName', () => {
  it('keeps ordinary titles readable', () => {
    assert.equal(sanitizeFileName('Fire Stations', 'csv'), 'Fire Stations.csv');
    assert.equal(sanitizeFileName('Fire Stations.csv', '.csv'), 'Fire Stations.csv');
    assert.equal(sanitizeFileName('Hotel/Motel Tax', 'geojson'), 'Hotel_Motel Tax.geojson');
  });

  it('turns hostile names into safe names inside the folder', () => {
    const cases: [string, string][] = [
      ['../x', '_x.csv'],
      ['a/b', 'a_b.csv'],
      ['a\\b', 'a_b.csv'],
      ['CON', '_CON.csv'],
      ['con.txt', '_con.txt.csv'],
      ['LPT9', '_LPT9.csv'],
      ['nul .json', '_nul .json.csv'],
      ['x\u202Etxt.exe', 'xtxt.exe.csv'],
      ['..', 'dataset.csv'],
      ['', 'dataset.csv'],
      ['   ', 'dataset.csv'],
      ['\u0000\u0007', 'dataset.csv'],
      ['trailing dots...', 'trailing dots.csv'],
      ['.hidden', 'hidden.csv'],
      ['C:\\Windows\\system32', 'C__Windows_system32.csv'],
      ['a:b*c?d"e<f>g|h', 'a_b_c_d_e_f_g_h.csv'],
    ];
    for (const [input, expected] of cases) {
      assert.equal(assertSafe(input, 'csv'), expected, JSON.stringify(input));
    }
  });

  it('limits length in bytes and keeps the extension, without splitting characters', () => {
    const long = assertSafe('x'.repeat(300), 'geojson');
    assert.equal(Buffer.byteLength(long), MAX_FILE_NAME_BYTES);
    const emoji = assertSafe('🚒'.repeat(300), 'ndjson');
    assert.ok(Buffer.byteLength(emoji) <= MAX_FILE_NAME_BYTES);
    assert.ok(!emoji.includes('\uFFFD'));
    assert.match(emoji, /^(🚒)+\.ndjson$/u);
  });

  it('resolveInside refuses names that escape the folder', () => {
    for (const name of ['../x.csv', '..', '.', '', 'a/b.csv', 'a\\b.csv', '/etc/passwd', 'x\0y']) {
      assert.throws(() => resolveInside(FOLDER, name), /Refusing/, JSON.stringify(name));
    }
    assert.equal(resolveInside(FOLDER, 'ok.csv'), path.join(FOLDER, 'ok.csv'));
    assert.equal(resolveInside('/ws/folder', 'a..b.csv', path.posix), '/ws/folder/a..b.csv');
  });
});
