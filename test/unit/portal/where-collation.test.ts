// The fake's string collation (the server's) and the client's local one (used where the client
// filters or sorts itself) order the same strings the same way.
import { strict as assert } from 'node:assert';
import { compareCaseless } from '../../../src/query/localFilter';
import { sortRowsLocally } from '../../../src/preview/gridCells';
import { collateText } from '../../portal/where-runtime';

const TEXTS = ['apple', 'Apple', 'APPLE  ', 'äpple', 'banana', 'Banana split', 'b', 'B', '10', '9', 'a10', 'a9', "O'Brien", 'o-brien', 'Ökonomie', 'zebra', 'Zulu', '', ' '];
const sign = (n: number): number => Math.sign(n);

describe('string collation: fake server and client agree', () => {
  it('compares every pair the same way', () => {
    for (const a of TEXTS) for (const b of TEXTS) assert.equal(sign(compareCaseless(a, b)), sign(collateText(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });

  it('is case-insensitive, accent-sensitive and ignores trailing spaces', () => {
    assert.equal(compareCaseless('apple', 'APPLE  '), 0);
    assert.notEqual(compareCaseless('apple', 'äpple'), 0);
    assert.ok(compareCaseless('apple', 'Banana') < 0);
  });

  it('sorts the grid\'s loaded rows as the server would, nulls lowest', () => {
    const rows = TEXTS.map((t, i) => [i, t] as (string | number | null)[]).concat([[99, null]]);
    const server = [...rows].sort((x, y) => (x[1] === null ? -1 : y[1] === null ? 1 : collateText(String(x[1]), String(y[1])) || Number(x[0]) - Number(y[0])));
    assert.deepEqual(sortRowsLocally(rows, 1, false).map((r) => r[0]), server.map((r) => r[0]));
    assert.deepEqual(sortRowsLocally(rows, 1, true).map((r) => r[1]).at(-1), null);
  });
});
