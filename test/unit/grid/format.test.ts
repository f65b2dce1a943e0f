// How grid cells read: esri epoch-ms dates, legacy date strings, numbers, missing values.

import assert from 'node:assert/strict';
import type { GridColumn } from '../../../src/protocol';
import { CellFormatter, formatDate, isMissing, parseLegacyDate } from '../../../src/webview/grid/format';

const col = (kind: GridColumn['kind']): GridColumn => ({ name: 'x', label: 'x', kind });

describe('grid cell formatting', () => {
  const f = new CellFormatter('en-US', 'missing');

  it('shows esri epoch milliseconds as UTC dates, with the time only when there is one', () => {
    assert.deepEqual(f.format(Date.UTC(2023, 3, 11), col('date')), { text: '2023-04-11', className: 'date' });
    assert.equal(f.format(Date.UTC(2024, 0, 5, 16, 12), col('date')).text, '2024-01-05 16:12');
    assert.equal(f.format(Date.UTC(2024, 0, 5, 16, 12, 7), col('date')).text, '2024-01-05 16:12:07');
    // Land Documents' sentinel dates near the year 9198 still read as dates.
    assert.match(f.format(228017980800000, col('date')).text, /^9195-/);
  });

  it('reads the legacy portal date strings', () => {
    assert.equal(parseLegacyDate('Apr 11, 2023'), Date.UTC(2023, 3, 11));
    assert.equal(parseLegacyDate('Jan 05 2024 04:12PM'), Date.UTC(2024, 0, 5, 16, 12));
    assert.equal(parseLegacyDate('Jan 05 2024 12:03AM'), Date.UTC(2024, 0, 5, 0, 3));
    assert.equal(parseLegacyDate('03/15/2022'), Date.UTC(2022, 2, 15));
    assert.equal(parseLegacyDate('2022-03-15T10:00:00'), Date.UTC(2022, 2, 15, 10));
    assert.equal(parseLegacyDate('Feb 31, 2023'), undefined);
    assert.equal(parseLegacyDate('soon'), undefined);
    assert.equal(f.format('Jan 05 2024 04:12PM', col('date')).text, '2024-01-05 16:12');
    assert.deepEqual(f.format('not a date', col('date')), { text: 'not a date', className: 'date' });
  });

  it('formats numbers by locale and marks them for right alignment; ids stay plain', () => {
    assert.deepEqual(f.format(1234567.891, col('double')), { text: '1,234,567.891', className: 'number' });
    assert.deepEqual(f.format(1000000, col('oid')), { text: '1000000', className: 'number' });
    assert.equal(new CellFormatter('de-DE', 'fehlt').format(1234.5, col('double')).text, '1.234,5');
    assert.equal(f.format(1e308, col('double')).className, 'number');
  });

  it('styles null, empty and "Not Available" as missing with the given word', () => {
    for (const value of [null, '', 'Not Available', ' not available ']) assert.deepEqual(f.format(value, col('string')), { text: 'missing', className: 'missing' });
    assert.equal(new CellFormatter('fr', 'manquant').format(null, col('integer')).text, 'manquant');
    assert.equal(isMissing('0'), false);
    assert.equal(isMissing(0), false);
  });

  it('right-aligns numeric-looking CSV text and leaves the rest as text', () => {
    assert.equal(f.format('-12.5', col('text')).className, 'number');
    assert.equal(f.format('1e5', col('text')).className, 'number');
    assert.equal(f.format('12 apples', col('text')).className, 'text');
    assert.equal(f.format('<script>', col('text')).text, '<script>');
  });

  it('marks cells cut for display', () => {
    assert.equal(f.format('AAAA', col('string'), true).className, 'text cut');
  });

  it('keeps formatDate total for impossible values', () => {
    assert.equal(formatDate(Number.NaN), 'NaN');
  });
});
