// Cost of the fake portal's where engine per query: compile once, then filter 1,000,000 rows
// with `A = 'x' AND B > 3` (the brief's budget: well under a second). Median of 5 runs.
import { compileWhere, parseOrderBy, type WhereField } from '../test/portal/where';
import { medianMs, reportBench } from './common';

const FIELDS: WhereField[] = [
  { name: 'OBJECTID', type: 'esriFieldTypeOID' },
  { name: 'A', type: 'esriFieldTypeString' },
  { name: 'B', type: 'esriFieldTypeInteger' },
  { name: 'Name', type: 'esriFieldTypeString' },
  { name: 'Reported', type: 'esriFieldTypeDate' },
];

const ROW_COUNT = 1_000_000;
const WORDS = ['x', 'y', 'z', 'Fire Station', 'Park'];
const rows: Record<string, unknown>[] = Array.from({ length: ROW_COUNT }, (_, i) => ({
  OBJECTID: i + 1,
  A: WORDS[i % WORDS.length],
  B: i % 10 === 0 ? null : i % 7,
  Name: `${WORDS[i % 3]} ${i}`,
  Reported: 1_577_836_800_000 + i * 60_000,
}));

function countMatches(predicate: (row: Record<string, unknown>) => boolean): number {
  let matched = 0;
  for (let i = 0; i < rows.length; i++) if (predicate(rows[i])) matched++;
  return matched;
}

async function main(): Promise<void> {
  const simple = compileWhere("A = 'x' AND B > 3", FIELDS);
  const like = compileWhere("UPPER(Name) LIKE 'FIRE%' OR Name LIKE '%99'", FIELDS);
  const mixed = compileWhere("B IN (1, 2, 3) AND Reported >= timestamp '2020-06-01 00:00:00' AND NOT A = 'y'", FIELDS);
  const compileOnly = "A = 'x' AND (B > 3 OR B IS NULL) AND Name LIKE 'Park%' AND Reported < date '2021-01-01'";
  const sortSlice = rows.slice(0, 100_000);
  const byBThenId = parseOrderBy('B DESC, OBJECTID', FIELDS);

  reportBench({
    where_eval_1m_ms: await medianMs(5, () => countMatches(simple)),
    where_eval_like_1m_ms: await medianMs(5, () => countMatches(like)),
    where_eval_mixed_1m_ms: await medianMs(5, () => countMatches(mixed)),
    where_compile_us: (await medianMs(5, () => {
      for (let i = 0; i < 1000; i++) compileWhere(compileOnly, FIELDS);
    })),
    orderby_sort_100k_ms: await medianMs(5, () => [...sortSlice].sort(byBThenId)),
  });
}

void main();
