// The where-clause reader: what a model writes becomes the query model's filters, and what
// the model cannot express is refused with a message saying what to write instead.

import * as assert from 'node:assert/strict';
import { parseWhereClause } from '../../../src/query/where';

describe('parseWhereClause', () => {
  it('reads comparisons, LIKE, IN, IS [NOT] NULL and dates', () => {
    assert.deepEqual(parseWhereClause("Ward = 3 AND Status <> 'Closed' AND Name LIKE 'O''Brien%' AND Ward IN (1, 2) AND Notes IS NOT NULL AND RecordedAt >= DATE '2025-01-01'"), {
      filters: [
        { field: 'Ward', op: '=', value: 3 },
        { field: 'Status', op: '<>', value: 'Closed' },
        { field: 'Name', op: 'like', value: "O'Brien%" },
        { field: 'Ward', op: 'in', value: [1, 2] },
        { field: 'Notes', op: 'is not null' },
        { field: 'RecordedAt', op: '>=', value: '2025-01-01' },
      ],
      join: 'and',
    });
  });

  it('reads OR, quoted names, != and negative numbers', () => {
    assert.deepEqual(parseWhereClause('"Service Provider" = \'X\' or Amount != -1.5 OR (Ward < 2)'), {
      filters: [
        { field: 'Service Provider', op: '=', value: 'X' },
        { field: 'Amount', op: '<>', value: -1.5 },
        { field: 'Ward', op: '<', value: 2 },
      ],
      join: 'or',
    });
  });

  it('takes a blank clause and 1=1 as no filter', () => {
    assert.deepEqual(parseWhereClause(''), { filters: [] });
    assert.deepEqual(parseWhereClause('1=1'), { filters: [] });
    assert.deepEqual(parseWhereClause('1=1 AND Ward = 2'), { filters: [{ field: 'Ward', op: '=', value: 2 }] });
  });

  for (const [clause, message] of [
    ["Ward = 3 AND Status = 'Open' OR Ward = 4", /AND and OR cannot be mixed/],
    ['Ward BETWEEN 1 AND 3', /write Ward >= low AND Ward <= high/],
    ['NOT Ward = 3', /NOT is not supported/],
    ["Name = 'open", /missing its closing quote/],
    ['Ward = Status', /comparing two fields is not supported/],
    ['Ward = 3; DROP TABLE x', /unexpected character ";"/],
    ['Ward =', /ends where a value was expected/],
  ] as const) {
    it(`refuses ${clause}`, () => {
      assert.throws(() => parseWhereClause(clause), message);
    });
  }
});
