// Every construct of the fake portal's where engine, against the small layer in where-fixtures.
import { strict as assert } from 'node:assert';
import { compileWhere } from '../../portal/where';
import { FIELDS, ids, ROWS } from './where-fixtures';

describe('compileWhere: trivial clauses', () => {
  it('treats empty, blank and 1=1 clauses as always true', () => {
    for (const where of ['', '   ', '1=1', ' 1 = 1 ', '\t1=1\n']) {
      assert.deepEqual(ids(where), [1, 2, 3, 4, 5], JSON.stringify(where));
    }
  });

  it('returns the same shared predicate for 1=1 so it costs nothing per row', () => {
    assert.equal(compileWhere('1=1', FIELDS), compileWhere('', FIELDS));
  });

  it('folds other constant clauses', () => {
    assert.deepEqual(ids('1=0'), []);
    assert.deepEqual(ids("'a' = 'a'"), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids('2 > 1 AND 3 >= 3'), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids('NULL = NULL'), []);
  });
});

describe('compileWhere: comparisons', () => {
  it('compares numbers numerically with every operator', () => {
    assert.deepEqual(ids('Pop = 100'), [1]);
    assert.deepEqual(ids('Pop <> 100'), [2, 4, 5]);
    assert.deepEqual(ids('Pop != 100'), [2, 4, 5]);
    assert.deepEqual(ids('Pop < 100'), [4, 5]);
    assert.deepEqual(ids('Pop <= 100'), [1, 4, 5]);
    assert.deepEqual(ids('Pop > 100'), [2]);
    assert.deepEqual(ids('Pop >= 100'), [1, 2]);
  });

  it('reads negative, decimal and exponent literals', () => {
    assert.deepEqual(ids('Pop = -5'), [4]);
    assert.deepEqual(ids('Area = 2.25'), [2]);
    assert.deepEqual(ids('Area = 1e3'), [4]);
    assert.deepEqual(ids('Area = 1.0E+3'), [4]);
    assert.deepEqual(ids('Area < -.25'), [5]);
    assert.deepEqual(ids('Area = 1.'), []);
    assert.deepEqual(ids('Pop > - 6 AND Pop < -4'), [4]);
  });

  it('accepts the literal on the left', () => {
    assert.deepEqual(ids('100 < Pop'), [2]);
    assert.deepEqual(ids('100 >= Pop'), [1, 4, 5]);
    assert.deepEqual(ids("'Republic' = \"Service Provider\""), [1, 4]);
  });

  it('compares strings as SQL Server behind hosted layers: case-insensitive, accents kept, trailing spaces ignored', () => {
    assert.deepEqual(ids("Name = 'Fire Station 1'"), [1]);
    assert.deepEqual(ids("Name = 'fire station 1'"), [1]);
    assert.deepEqual(ids("Name = 'FIRE STATION 2  '"), [2]);
    assert.deepEqual(ids("Name = 'Fire Statión 1'"), []);
    assert.deepEqual(ids("Name <> 'FIRE STATION 1'"), [2, 3, 5]);
    assert.deepEqual(ids("Name < 'G'"), [1, 2, 5]);
    assert.deepEqual(ids("Name >= 'f'"), [1, 2, 3]);
    assert.deepEqual(ids("Name > 'fire station 1'"), [2, 3]);
    assert.deepEqual(ids("Name BETWEEN 'FIRE' AND 'fire station 9'"), [1, 2]);
    assert.deepEqual(ids("Name IN ('FIRE STATION 1', 'o''brien park')"), [1, 3]);
    assert.deepEqual(ids("Name NOT IN ('fire station 1', NULL)"), []);
    assert.deepEqual(ids('Name = "Service Provider"', undefined, [{ OBJECTID: 7, Name: 'CITY', 'Service Provider': 'city ' }]), [7]);
  });

  it("unescapes '' inside string literals", () => {
    assert.deepEqual(ids("Name = 'O''Brien Park'"), [3]);
    assert.deepEqual(ids("Name = N'O''Brien Park'"), [3]);
    assert.deepEqual(ids("'''' = ''''"), [1, 2, 3, 4, 5]);
  });

  it('compares two fields', () => {
    assert.deepEqual(ids('Pop > OBJECTID'), [1, 2]);
    assert.deepEqual(ids('Area * 100 > Pop'), [1, 4]);
  });

  it('evaluates arithmetic with precedence and NULL propagation', () => {
    assert.deepEqual(ids('Pop + 1 * 2 = 102'), [1]);
    assert.deepEqual(ids('(Pop + 1) * 2 = 202'), [1]);
    assert.deepEqual(ids('Pop / 0 IS NULL'), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids('Pop - Pop = 0'), [1, 2, 4, 5]);
    assert.deepEqual(ids("Name || '!' = 'Fire Station 1!'"), [1]);
  });
});

describe('compileWhere: field names', () => {
  it('matches field names case-insensitively, optionally double-quoted', () => {
    assert.deepEqual(ids('pop = 100'), [1]);
    assert.deepEqual(ids('POP = 100'), [1]);
    assert.deepEqual(ids('"Pop" = 100'), [1]);
    assert.deepEqual(ids('"pOP" = 100'), [1]);
    assert.deepEqual(ids('objectid = 3'), [3]);
  });

  it('quotes names with spaces and reads a field called Date', () => {
    assert.deepEqual(ids(`"service provider" = 'City'`), [5]);
    assert.deepEqual(ids('Date IS NULL'), [3]);
    assert.deepEqual(ids("Date >= date '2023-01-01'"), [4, 5]);
  });

  it('treats keywords case-insensitively', () => {
    assert.deepEqual(ids("pop > 0 and name like 'fire%' Or Pop iS nUlL"), [1, 2, 3]);
  });

  it('reads GlobalID and GUID fields as strings', () => {
    assert.deepEqual(ids("GlobalID = '{B2}'"), [2]);
    assert.deepEqual(ids('GlobalID IS NULL'), [5]);
  });
});

describe('compileWhere: AND, OR, NOT and parentheses', () => {
  it('binds AND tighter than OR', () => {
    assert.deepEqual(ids('Pop = 100 OR Pop = 250 AND Area = 0'), [1]);
    assert.deepEqual(ids('(Pop = 100 OR Pop = 250) AND Area > 2'), [2]);
    assert.deepEqual(ids('Area > 2 AND Pop = 250 OR Pop = 100'), [1, 2]);
  });

  it('binds NOT tighter than AND', () => {
    assert.deepEqual(ids('NOT Pop = 100 AND Pop > 0'), [2]);
    assert.deepEqual(ids('NOT (Pop = 100 AND Pop > 0)'), [2, 4, 5]);
    assert.deepEqual(ids('NOT NOT Pop = 100'), [1]);
  });

  it('handles long AND and OR chains', () => {
    assert.deepEqual(ids('OBJECTID = 1 OR OBJECTID = 3 OR OBJECTID = 5'), [1, 3, 5]);
    assert.deepEqual(ids('OBJECTID > 0 AND OBJECTID < 5 AND Pop > 0 AND Area > 0'), [1, 2]);
  });

  it('allows redundant parentheses', () => {
    assert.deepEqual(ids('((((Pop = 100))))'), [1]);
    assert.deepEqual(ids('((Pop) = (100))'), [1]);
  });
});

describe('compileWhere: SQL NULL logic', () => {
  it('never matches NULL with a comparison, nor with its negation', () => {
    assert.deepEqual(ids('Pop = 100 OR Pop <> 100'), [1, 2, 4, 5]);
    assert.deepEqual(ids('NOT (Pop = 100)'), [2, 4, 5]);
    assert.deepEqual(ids('NOT (Pop > 1000)'), [1, 2, 4, 5]);
    assert.deepEqual(ids('Pop = NULL'), []);
    assert.deepEqual(ids('NOT (Pop = NULL)'), []);
  });

  it('uses three-valued AND and OR', () => {
    // Row 3: Pop is NULL, so `Pop > 0` is unknown. unknown OR true = true; unknown AND false = false.
    assert.deepEqual(ids('Pop > 0 OR OBJECTID = 3'), [1, 2, 3]);
    assert.deepEqual(ids('NOT (Pop > 0 AND OBJECTID = 4)'), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids('NOT (Pop > 0 AND OBJECTID = 3)'), [1, 2, 4, 5]);
    assert.deepEqual(ids('NOT (Pop > 0 OR OBJECTID = 5)'), [4]);
    assert.deepEqual(ids('NULL AND Pop > 0'), []);
    assert.deepEqual(ids('NOT (NULL OR Pop = 100)'), []);
  });

  it('tests NULL with IS NULL and IS NOT NULL', () => {
    assert.deepEqual(ids('Pop IS NULL'), [3]);
    assert.deepEqual(ids('Pop IS NOT NULL'), [1, 2, 4, 5]);
    assert.deepEqual(ids('NOT Name IS NULL'), [1, 2, 3, 5]);
    assert.deepEqual(ids('UPPER(Name) IS NULL'), [4]);
  });

  it('reads a missing attribute as NULL', () => {
    const predicate = compileWhere('Pop IS NULL', FIELDS);
    assert.equal(predicate({}), true);
    assert.equal(compileWhere('Pop = 1 OR Pop <> 1', FIELDS)({ Pop: undefined }), false);
  });
});

describe('compileWhere: LIKE', () => {
  it('matches % and _ wildcards', () => {
    assert.deepEqual(ids("Name LIKE 'Fire%'"), [1, 2]);
    assert.deepEqual(ids("Name LIKE '%Park'"), [3]);
    assert.deepEqual(ids("Name LIKE '%station%'"), [1, 2]);
    assert.deepEqual(ids("Name LIKE 'fire station _'"), [1, 2]);
    assert.deepEqual(ids("Name LIKE 'fire station __'"), []);
    assert.deepEqual(ids("Name LIKE 'O_Brien Park'"), [3]);
  });

  it('is case-insensitive like hosted layers', () => {
    assert.deepEqual(ids("Name LIKE 'FIRE STATION 1'"), [1]);
    assert.deepEqual(ids("Name LIKE 'o''brien%'"), [3]);
  });

  it("treats '%' as any non-NULL value", () => {
    assert.deepEqual(ids("Name LIKE '%'"), [1, 2, 3, 5]);
    assert.deepEqual(ids("Name LIKE '%%'"), [1, 2, 3, 5]);
    assert.deepEqual(ids("Name NOT LIKE '%'"), []);
  });

  it('matches the empty pattern only against the empty string', () => {
    assert.deepEqual(ids("Name LIKE ''"), []);
    assert.equal(compileWhere("Name LIKE ''", FIELDS)({ Name: '' }), true);
  });

  it('lets % and _ span newlines and treats regex characters literally', () => {
    assert.deepEqual(ids("Name LIKE '100%line'"), [5]);
    assert.deepEqual(ids("Name LIKE '100%_done_next line'"), [5]);
    assert.equal(compileWhere("Name LIKE 'a.c'", FIELDS)({ Name: 'abc' }), false);
    assert.equal(compileWhere("Name LIKE 'a.c'", FIELDS)({ Name: 'a.c' }), true);
    assert.equal(compileWhere("Name LIKE '(x)[y]{z}^$|+?*\\/'", FIELDS)({ Name: '(x)[y]{z}^$|+?*\\/' }), true);
  });

  it('treats _ as one code point, not one UTF-16 unit', () => {
    assert.equal(compileWhere("Name LIKE 'a_b'", FIELDS)({ Name: 'a😀b' }), true);
  });

  it('never lets segments around % overlap', () => {
    const like = (pattern: string, value: string): boolean => compileWhere(`Name LIKE '${pattern}'`, FIELDS)({ Name: value });
    assert.equal(like('ab%ba', 'aba'), false);
    assert.equal(like('ab%ba', 'abba'), true);
    assert.equal(like('%aa%aa%', 'aaa'), false);
    assert.equal(like('%aa%aa%', 'aaaa'), true);
    assert.equal(like('a%b%c', 'a-c-b-c'), true);
    assert.equal(like('a%b%c', 'a-c-b-'), false);
    assert.equal(like('%_', ''), false);
    assert.equal(like('%_', 'x'), true);
    assert.equal(like('_%_', 'x'), false);
    assert.equal(like('%b_', 'abbc'), true);
    assert.equal(like('%B_', 'ab'), false);
  });

  it('supports ESCAPE for literal % and _', () => {
    assert.deepEqual(ids("Name LIKE '100!%!_done%' ESCAPE '!'"), [5]);
    assert.deepEqual(ids("Name LIKE 'Fire!%' ESCAPE '!'"), []);
    assert.equal(compileWhere("Name LIKE 'a\\_b' ESCAPE '\\'", FIELDS)({ Name: 'a_b' }), true);
    assert.equal(compileWhere("Name LIKE 'a\\_b' ESCAPE '\\'", FIELDS)({ Name: 'axb' }), false);
    assert.equal(compileWhere("Name LIKE 'a!!b' ESCAPE '!'", FIELDS)({ Name: 'a!b' }), true);
  });

  it('negates with NOT LIKE, leaving NULL out', () => {
    assert.deepEqual(ids("Name NOT LIKE 'fire%'"), [3, 5]);
    assert.deepEqual(ids("NOT Name LIKE 'fire%'"), [3, 5]);
  });

  it('works through UPPER and LOWER', () => {
    assert.deepEqual(ids("UPPER(Name) LIKE 'FIRE STATION%'"), [1, 2]);
    assert.deepEqual(ids("LOWER(Name) = 'fire station 1'"), [1]);
    assert.deepEqual(ids("upper(\"Service Provider\") = 'REPUBLIC'"), [1, 4]);
  });
});

describe('compileWhere: IN and BETWEEN', () => {
  it('matches IN lists of numbers and strings', () => {
    assert.deepEqual(ids('OBJECTID IN (1, 3, 5)'), [1, 3, 5]);
    assert.deepEqual(ids('Pop IN (-5, 250)'), [2, 4]);
    assert.deepEqual(ids("\"Service Provider\" IN ('City', 'Republic')"), [1, 4, 5]);
    assert.deepEqual(ids('OBJECTID IN (2)'), [2]);
  });

  it('applies NULL logic to IN and NOT IN', () => {
    assert.deepEqual(ids('Pop NOT IN (100, 250)'), [4, 5]);
    assert.deepEqual(ids('Pop IN (100, NULL)'), [1]);
    assert.deepEqual(ids('Pop NOT IN (100, NULL)'), []);
    assert.deepEqual(ids('NOT Pop IN (100)'), [2, 4, 5]);
  });

  it('matches BETWEEN inclusively and NOT BETWEEN', () => {
    assert.deepEqual(ids('Pop BETWEEN 0 AND 100'), [1, 5]);
    assert.deepEqual(ids('Pop NOT BETWEEN 0 AND 100'), [2, 4]);
    assert.deepEqual(ids('Pop BETWEEN -5 AND 0 AND OBJECTID > 4'), [5]);
    assert.deepEqual(ids("Name BETWEEN 'A' AND 'Z'"), [1, 2, 3], 'case-insensitive, as SQL Server');
  });

  it('short-circuits BETWEEN with a NULL bound like SQL', () => {
    // 250 BETWEEN NULL AND 100: unknown AND false = false, so NOT of it is true.
    assert.deepEqual(ids('NOT (Pop BETWEEN NULL AND 100)'), [2]);
  });
});

describe('compileWhere: dates', () => {
  it('compares date fields with date and timestamp literals as UTC epoch ms', () => {
    assert.deepEqual(ids("Date = date '2020-01-01'"), [1]);
    assert.deepEqual(ids("Date > DATE '2021-06-15'"), [2, 4, 5]);
    assert.deepEqual(ids("Date > timestamp '2021-06-15 13:45:00'"), [4, 5]);
    assert.deepEqual(ids("Date >= TIMESTAMP '2021-06-15 13:45:00'"), [2, 4, 5]);
    assert.deepEqual(ids("Date = timestamp '2023-12-31 23:59:59'"), [4]);
    assert.deepEqual(ids("Date < timestamp '2020-01-01 00:00:00.001'"), [1]);
    assert.deepEqual(ids("Date BETWEEN date '2021-01-01' AND date '2024-01-01'"), [2, 4]);
  });

  it('reads date strings compared with a date field', () => {
    assert.deepEqual(ids("Date = '2020-01-01'"), [1]);
    assert.deepEqual(ids("Date > '2021-06-15 13:00'"), [2, 4, 5]);
    assert.deepEqual(ids("Date IN ('2020-01-01', date '2026-11-27')"), [1, 5]);
  });

  it('supports CURRENT_DATE, CURRENT_TIMESTAMP and interval arithmetic', () => {
    const now = Date.parse('2026-11-27T15:30:00Z');
    assert.deepEqual(ids('Date = CURRENT_DATE', { now }), [5]);
    assert.deepEqual(ids('Date < CURRENT_TIMESTAMP', { now }), [1, 2, 4, 5]);
    assert.deepEqual(ids('Date >= CURRENT_DATE - 1000', { now }), [5]);
    assert.deepEqual(ids('Date >= CURRENT_DATE - 1100', { now }), [4, 5]);
    assert.deepEqual(ids("Date >= CURRENT_TIMESTAMP - INTERVAL '16' HOUR", { now }), [5]);
    assert.deepEqual(ids('Date > CURRENT_DATE + INTERVAL 1 DAY', { now }), []);
    assert.deepEqual(ids('CURRENT_DATE - Date > 2000', { now }), [1]);
  });

  it('extracts date parts in UTC', () => {
    assert.deepEqual(ids('EXTRACT(YEAR FROM Date) = 2021'), [2]);
    assert.deepEqual(ids('EXTRACT(MONTH FROM Date) = 12 AND EXTRACT(SECOND FROM Date) = 59'), [4]);
    assert.deepEqual(ids('extract(hour from Date) = 13'), [2]);
  });

  it('reads years before 100 literally', () => {
    const predicate = compileWhere("Date = date '0050-03-01'", FIELDS);
    assert.equal(predicate({ Date: Date.parse('0050-03-01T00:00:00Z') }), true);
    assert.equal(new Date(Date.parse('0050-03-01T00:00:00Z')).getUTCFullYear(), 50);
  });

  it('accepts Date objects and ISO strings stored by sloppy fixtures', () => {
    const predicate = compileWhere("Date >= date '2020-01-02'", FIELDS);
    assert.equal(predicate({ Date: new Date('2020-01-03T00:00:00Z') }), true);
    assert.equal(predicate({ Date: '2020-01-01' }), false);
    assert.equal(predicate({ Date: 'not a date' }), false);
  });
});

describe('compileWhere: functions and coercion', () => {
  it('supports the common numeric and string functions', () => {
    assert.deepEqual(ids('ABS(Pop) = 5'), [4]);
    assert.deepEqual(ids('ROUND(Area) = 2'), [1, 2]);
    assert.deepEqual(ids('ROUND(Area, 1) = 2.3'), [2]);
    assert.deepEqual(ids('FLOOR(Area) = 1 AND CEILING(Area) = 2'), [1]);
    assert.deepEqual(ids('MOD(OBJECTID, 2) = 0'), [2, 4]);
    assert.deepEqual(ids("CHAR_LENGTH(Name) = 12 AND TRIM(Name) LIKE 'o%'"), [3]);
  });

  it('reads numeric strings in number fields and drops the rest as NULL', () => {
    const predicate = compileWhere('Pop > 10', FIELDS);
    assert.equal(predicate({ Pop: '11' }), true);
    assert.equal(predicate({ Pop: 'Not Available' }), false);
    assert.equal(compileWhere('Pop IS NULL', FIELDS)({ Pop: 'Not Available' }), true);
  });

  it('works over the fixture rows without mutating them', () => {
    const before = JSON.stringify(ROWS);
    ids("Name LIKE '%' AND Pop IN (1, 2) OR Date > date '2000-01-01'");
    assert.equal(JSON.stringify(ROWS), before);
  });
});

describe('compileWhere: field types', () => {
  it('reads every queryable esri field type and refuses the rest', () => {
    const fields = [
      { name: 'S', type: 'esriFieldTypeSmallInteger' },
      { name: 'F', type: 'esriFieldTypeSingle' },
      { name: 'B', type: 'esriFieldTypeBigInteger' },
      { name: 'G', type: 'esriFieldTypeGUID' },
      { name: 'D', type: 'esriFieldTypeDateOnly' },
      { name: 'X', type: 'esriFieldTypeBlob' },
    ];
    const row = { S: 3, F: 0.5, B: 9007199254740991, G: '{AB}', D: '2024-02-29' };
    assert.equal(compileWhere("S = 3 AND F < 1 AND B > 1e15 AND G = '{AB}' AND D = date '2024-02-29'", fields)(row), true);
    assert.throws(() => compileWhere('X IS NULL', fields), /'X' \(esriFieldTypeBlob\) cannot be used/);
  });

  it('never throws while evaluating odd attribute values', () => {
    const predicate = compileWhere("Name = 'x' OR Pop > 1 OR Date > date '2020-01-01' OR Name LIKE '%y%'", FIELDS);
    const odd: unknown[] = [{ a: 1 }, [1, 2], true, Symbol('s'), Object.create(null), { big: 1n }, 10n, NaN, () => 1];
    for (const value of odd) {
      assert.doesNotThrow(() => predicate({ Name: value, Pop: value, Date: value }), String(typeof value));
    }
    assert.equal(predicate({ Pop: true }), false);
    assert.equal(predicate({ Pop: 2n }), true);
  });
});
