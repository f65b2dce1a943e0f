// orderByFields for the fake portal: directions, several keys, ties, NULL placement, errors.
import { strict as assert } from 'node:assert';
import { parseOrderBy, WhereError } from '../../portal/where';
import { FIELDS, ROWS } from './where-fixtures';

function order(orderBy: string, rows: Record<string, unknown>[] = ROWS): number[] {
  return [...rows].sort(parseOrderBy(orderBy, FIELDS)).map((row) => row.OBJECTID as number);
}

describe('parseOrderBy', () => {
  it('sorts ascending by default and with ASC', () => {
    assert.deepEqual(order('Pop'), [3, 4, 5, 1, 2]);
    assert.deepEqual(order('Pop ASC'), [3, 4, 5, 1, 2]);
    assert.deepEqual(order('Area asc'), [5, 3, 1, 2, 4]);
  });

  it('puts NULL first ascending and last descending', () => {
    assert.deepEqual(order('Pop DESC'), [2, 1, 5, 4, 3]);
    assert.deepEqual(order('Date'), [3, 1, 2, 4, 5]);
    assert.deepEqual(order('Date desc'), [5, 4, 2, 1, 3]);
  });

  it('sorts strings case-insensitively, as SQL Server behind hosted layers does', () => {
    assert.deepEqual(order('Name'), [4, 5, 1, 2, 3]);
    assert.deepEqual(order('Name DESC'), [3, 2, 1, 5, 4]);
    const mixed = [{ OBJECTID: 1, Name: 'b' }, { OBJECTID: 2, Name: 'B' }, { OBJECTID: 3, Name: 'a' }, { OBJECTID: 4, Name: 'C' }];
    assert.deepEqual(order('Name, OBJECTID DESC', mixed), [3, 2, 1, 4]);
  });

  it('breaks ties with later keys and keeps input order on full ties', () => {
    assert.deepEqual(order('"Service Provider", OBJECTID DESC'), [3, 5, 4, 1, 2]);
    assert.deepEqual(order('"service provider" DESC, Pop'), [2, 4, 1, 5, 3]);
    const tied = [{ OBJECTID: 9, Pop: 1 }, { OBJECTID: 7, Pop: 1 }, { OBJECTID: 8, Pop: 1 }];
    assert.deepEqual(order('Pop', tied), [9, 7, 8]);
    assert.equal(parseOrderBy('Pop', FIELDS)(tied[0], tied[1]), 0);
  });

  it('matches field names case-insensitively and accepts quotes and spacing', () => {
    assert.deepEqual(order('  objectid   DESC  '), [5, 4, 3, 2, 1]);
    assert.deepEqual(order('"OBJECTID" desc'), [5, 4, 3, 2, 1]);
  });

  it('keeps input order for an empty clause', () => {
    assert.equal(parseOrderBy('', FIELDS)(ROWS[0], ROWS[1]), 0);
    assert.equal(parseOrderBy('   ', FIELDS)(ROWS[1], ROWS[0]), 0);
  });

  it('refuses unknown fields, naming them', () => {
    assert.throws(() => parseOrderBy('Pop, Nope DESC', FIELDS), (error: unknown) => {
      assert.ok(error instanceof WhereError);
      assert.match(error.message, /'Nope' is not a field/);
      assert.equal(error.position, 6);
      return true;
    });
  });

  it('refuses malformed clauses', () => {
    for (const bad of ['Pop DOWN', 'Pop,', ', Pop', 'Pop DESC DESC', "'Pop'", 'Shape']) {
      assert.throws(() => parseOrderBy(bad, FIELDS), WhereError, bad);
    }
  });
});
