// The fake portal's catalog: real OKC facts, deterministic lazy rows, hostile values, mutations.

import assert from 'node:assert/strict';
import { BIG_TITLE, createCatalog, HOSTILE_LONG_DESCRIPTION_TITLE, HOSTILE_NAMES_TITLE, HOSTILE_TITLE, HOSTILE_WIDE_TITLE, LONG_DESCRIPTION_CHARS, LONG_DESCRIPTION_HEAD, LONG_DESCRIPTION_TAIL, WIDE_COLUMNS, HUGE_CELL_CHARS, HUGE_CELL_ROW, LAND_DOCUMENT_SENTINELS, legacyShape } from '../../portal/data';
import { fromStatePlane, parseWkt, shapesWithin, toLocalShape, toStatePlane } from '../../portal/geo';

describe('fake portal data', () => {
  const catalog = createCatalog({ seed: 7 });

  it('holds at least 60 datasets across the real OKC groups plus Performance and Testing', () => {
    assert.ok(catalog.datasets.length >= 60, `${catalog.datasets.length} datasets`);
    const groups = new Set(catalog.datasets.flatMap((d) => d.groups));
    for (const g of ['Public Safety', 'Utilities', 'Transportation', 'Government', 'Licensing', 'Finance', 'Recreation', 'Infrastructure', 'Planning & Development', 'Performance', 'Testing']) {
      assert.ok(groups.has(g), g);
    }
    const ids = new Set(catalog.datasets.map((d) => d.hubId));
    assert.equal(ids.size, catalog.datasets.length);
    for (const d of catalog.datasets) assert.match(d.itemId, /^[0-9a-f]{32}$/);
  });

  it('keeps the observed sizes, services and layer numbers', () => {
    const expect: [string, number, string, number][] = [
      ['Work Zones', 213, 'Transportation', 5], ['Garage Sales', 43, 'Licensing_Permits', 0], ['Hotel Motel Tax', 375, 'Finance', 3],
      ['Land Documents', 33986, 'Licensing_Subdivision', 8], ['Fire Stations', 36, 'Public_Safety', 4], ['Trash Collection Zones', 20, 'Utilities', 1],
    ];
    for (const [title, rows, service, layer] of expect) {
      const d = catalog.byTitle(title)!;
      assert.deepEqual([d.rowCount, d.service, d.layer], [rows, service, layer], title);
    }
    assert.equal(catalog.byTitle(BIG_TITLE)!.rowCount, 1_000_000);
    assert.equal(createCatalog({ bigRows: 5000 }).byTitle(BIG_TITLE)!.rowCount, 5000);
  });

  it('generates the same rows for the same seed and different rows for another seed', () => {
    const again = createCatalog({ seed: 7 });
    const other = createCatalog({ seed: 8 });
    for (const title of ['Work Zones', 'Parks', BIG_TITLE]) {
      const a = catalog.byTitle(title)!;
      assert.deepEqual(again.byTitle(title)!.rowAt(11), a.rowAt(11));
      assert.deepEqual(a.rowAt(11), a.rowAt(11));
      assert.notDeepEqual(other.byTitle(title)!.rowAt(11).attributes, a.rowAt(11).attributes);
    }
  });

  it('serves rows of a million-row dataset lazily by index', () => {
    const big = catalog.byTitle(BIG_TITLE)!;
    const row = big.rowAt(999_999);
    assert.equal(row.attributes.OBJECTID, 1_000_000);
    assert.equal(row.attributes.RecordKey, 'PR-1000000');
  });

  it('puts every geometry in and around Oklahoma City', () => {
    for (const title of ['Parks', 'Bike Routes', 'Fire Stations', 'Council Wards', 'Storm Sewer Lines']) {
      const d = catalog.byTitle(title)!;
      for (let i = 0; i < Math.min(d.rowCount, 50); i++) {
        const text = JSON.stringify(d.rowAt(i).geometry!.coordinates);
        const nums = text.match(/-?\d+\.?\d*/g)!.map(Number);
        for (let k = 0; k < nums.length; k += 2) {
          assert.ok(nums[k] > -98.1 && nums[k] < -96.9, `${title} lon ${nums[k]}`);
          assert.ok(nums[k + 1] > 35.1 && nums[k + 1] < 35.9, `${title} lat ${nums[k + 1]}`);
        }
      }
    }
    assert.equal(catalog.byTitle('Land Documents')!.rowAt(0).geometry, null);
  });

  it('reproduces the quirky values: MM/DD/YYYY work zone dates, year-9198 sentinels, real fire stations', () => {
    const wz = catalog.byTitle('Work Zones')!;
    for (let i = 0; i < wz.rowCount; i++) assert.match(String(wz.attributesAt(i).Startdate), /^\d\d\/\d\d\/\d{4}$/);
    const land = catalog.byTitle('Land Documents')!;
    let sentinels = 0;
    for (let i = 0; i < 3000; i++) if (LAND_DOCUMENT_SENTINELS.includes(land.attributesAt(i).Date as number)) sentinels++;
    assert.ok(sentinels > 0);
    assert.equal(Math.max(...LAND_DOCUMENT_SENTINELS), 228017980800000);
    const fs = catalog.byTitle('Fire Stations')!;
    assert.deepEqual(fs.rowAt(0).attributes.STATION_ADDR, '4343 S LAKE HEFNER DR');
    assert.equal(legacyShape(fs, 36, fs.rowAt(0).geometry), '35.54262,-97.59821,19');
  });

  it('keeps hostile values in one dataset, with a lazily built 10 MB cell', () => {
    const hostile = catalog.byTitle(HOSTILE_TITLE)!;
    assert.deepEqual(hostile.groups, ['Testing']);
    const all = Array.from({ length: hostile.rowCount }, (_, i) => (i === HUGE_CELL_ROW ? '' : JSON.stringify(hostile.rowAt(i)))).join('');
    for (const needle of ['<script>', 'onerror', 'javascript:', '\u202e', '../', '\\\\', 'CON']) assert.ok(all.toLowerCase().includes(needle.toLowerCase()), needle);
    assert.equal((hostile.rowAt(HUGE_CELL_ROW).attributes.Notes as string).length, HUGE_CELL_CHARS);
    // The hostile corpus lives in the Testing group only: Hostile Test Data and the hostile-names dataset.
    for (const d of catalog.datasets) {
      if (d === hostile || d.title === HOSTILE_NAMES_TITLE) continue;
      assert.ok(!/<script|onerror|javascript:|\u202e/i.test(d.title + d.description + d.keywords.join()), d.title);
    }
  });

  it('holds hostile sizes: a 5,000-column layer and a layer whose own description is 50 MB, built when read', () => {
    const wide = catalog.byTitle(HOSTILE_WIDE_TITLE)!;
    assert.equal(wide.fields.length, WIDE_COLUMNS);
    assert.equal(Object.keys(wide.attributesAt(0)).length, WIDE_COLUMNS);
    const long = catalog.byTitle(HOSTILE_LONG_DESCRIPTION_TITLE)!;
    // The catalog entry stays small; the layer's metadata carries the size.
    assert.equal(long.description, '');
    const text = long.layerDescription!;
    assert.equal(text.length, LONG_DESCRIPTION_CHARS);
    assert.ok(text.startsWith(`<p>${LONG_DESCRIPTION_HEAD}</p>`) && text.endsWith(`<p>${LONG_DESCRIPTION_TAIL}</p>`));
    assert.equal(catalog.byTitle(HOSTILE_TITLE)!.layerDescription, undefined);
  });

  it('mutates rows: add, remove, change, and bumps modified', () => {
    const local = createCatalog({ seed: 3 });
    const d = local.byTitle('Garage Sales')!;
    const before = d.lastEditDate;
    const changedBefore = d.rowByOid(5)!.attributes;
    local.mutate('Garage Sales', { add: 2, remove: [1, 2, 3], change: [5] });
    assert.equal(d.rowCount, 43 - 3 + 2);
    assert.equal(d.oidAt(0), 4);
    assert.equal(d.oidAt(d.rowCount - 1), 45);
    assert.equal(d.rowByOid(2), undefined);
    assert.notDeepEqual(d.rowByOid(5)!.attributes, changedBefore);
    assert.ok(d.lastEditDate >= before + 1000);
    assert.equal(Date.parse(d.modified), d.lastEditDate);
    assert.equal(local.find(d.itemId), d);
    assert.equal(local.find(`${d.itemId}_0`), d);
    assert.equal(local.find('garage sales'), d);
  });

  it('projects to Oklahoma North state plane feet and back', () => {
    const [x, y] = toStatePlane(-97.5164, 35.4676);
    assert.ok(x > 2_000_000 && x < 2_300_000 && y > 100_000 && y < 300_000, `${x},${y}`);
    const [lon, lat] = fromStatePlane(x, y);
    assert.ok(Math.abs(lon + 97.5164) < 1e-8 && Math.abs(lat - 35.4676) < 1e-8);
  });

  it('tests WKT shapes for intersection and distance', () => {
    const square = toLocalShape(parseWkt('POLYGON((-97.6 35.4, -97.5 35.4, -97.5 35.5, -97.6 35.5, -97.6 35.4))'));
    assert.ok(shapesWithin(toLocalShape(parseWkt('POINT(-97.55 35.45)')), square, 0));
    assert.ok(!shapesWithin(toLocalShape(parseWkt('POINT(-97.45 35.45)')), square, 0));
    assert.ok(shapesWithin(toLocalShape(parseWkt('POINT(-97.45 35.45)')), square, 5000));
    assert.ok(shapesWithin(toLocalShape(parseWkt('LINESTRING(-97.7 35.45, -97.4 35.45)')), square, 0));
  });
});
