import assert from 'node:assert/strict';
import { isoFromEpochMs, parseDateString, typedValue } from '../../../src/save/values';

describe('save/values', () => {
  it('parses the legacy portal date strings to ISO 8601', () => {
    assert.equal(parseDateString('Apr 11, 2023'), '2023-04-11');
    assert.equal(parseDateString('Jan 05 2024 04:12PM'), '2024-01-05T16:12:00');
    assert.equal(parseDateString('Jan 05 2024 12:03AM'), '2024-01-05T00:03:00');
    assert.equal(parseDateString('September 30 2022 12:00 PM'), '2022-09-30T12:00:00');
    assert.equal(parseDateString('04/11/2023'), '2023-04-11');
    assert.equal(parseDateString('4/1/2023 4:05:06 PM'), '2023-04-01T16:05:06');
    assert.equal(parseDateString('2023-04-11T10:00:00Z'), '2023-04-11T10:00:00.000Z');
    assert.equal(parseDateString('2023-04-11'), '2023-04-11');
  });

  it('refuses what is not a real date instead of guessing', () => {
    for (const text of ['Feb 30, 2023', '13/01/2023', 'Foo 11, 2023', 'Jan 05 2024 13:12PM', 'soon', '']) {
      assert.equal(parseDateString(text), undefined, text);
    }
  });

  it('types cells by field kind and keeps what it cannot convert', () => {
    assert.equal(typedValue(1680000000000, 'date'), '2023-03-28T10:40:00.000Z');
    assert.equal(typedValue(253402300800000 * 0 + 7226611200000, 'date'), isoFromEpochMs(7226611200000));
    assert.equal(typedValue('Apr 11, 2023', 'date'), '2023-04-11');
    assert.equal(typedValue('someday', 'date'), 'someday');
    assert.equal(typedValue('', 'date'), null);
    assert.equal(typedValue('42', 'integer'), 42);
    assert.equal(typedValue('4.5', 'double'), 4.5);
    assert.equal(typedValue('n/a', 'double'), 'n/a');
    assert.equal(typedValue(undefined, 'string'), null);
    assert.equal(typedValue('007', 'string'), '007');
  });
});

describe('save/values isoFromEpochMs', () => {
  it('matches Date#toISOString across the whole range', () => {
    const samples = [0, -1, 1, 86_399_999, 951_782_400_000, 4_102_444_800_000, -62_167_219_200_000, 253_402_300_799_999, 253_402_300_800_000, -8.64e15, 8.64e15, 228_017_980_800_000, 1.5];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      samples.push(Math.round((x / 2 ** 32 - 0.5) * 2 * 253_402_300_799_999));
    }
    for (const ms of samples) assert.equal(isoFromEpochMs(ms), new Date(ms).toISOString(), String(ms));
    assert.equal(isoFromEpochMs(8.64e15 + 1), undefined);
    assert.equal(isoFromEpochMs(Number.NaN), undefined);
  });
});
