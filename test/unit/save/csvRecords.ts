// Reads a saved CSV back as records, for tests of hostile field names.

import Papa from 'papaparse';

/** CSV records as key/value pairs made with defineProperty: papaparse's own header mode
 * builds objects by assignment and would itself lose a `__proto__` column. */
export function csvRecords(text: string): Record<string, unknown>[] {
  const [header, ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    header.forEach((name, i) => Object.defineProperty(record, name, { value: row[i], enumerable: true }));
    return record;
  });
}
