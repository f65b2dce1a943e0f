// Cell values of portal rows: ordering where the client sorts itself (legacy extra sort keys,
// download-only datasets), and reading and writing fields whatever their names.

import type { CellValue } from './types';

export function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// Field names are portal data: `__proto__`, `constructor` and `toString` are legal field
// names, and JSON.parse makes them own keys. Plain `row[name]` would read Object.prototype
// for a row that lacks them, and `row[name] = v` on `{}` would set the prototype instead of
// a field (the field then vanishes from a saved JSON file).

const hasOwn = Object.prototype.hasOwnProperty;

/** The value of field `name` in `record`, own properties only; undefined when it has none. */
export function ownCell<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return hasOwn.call(record, name) ? record[name] : undefined;
}

/** A reader of one field for hot loops: a plain property read unless the name is one an
 * object inherits. */
export function cellReader<T>(name: string): (record: Readonly<Record<string, T>>) => T | undefined {
  return name in Object.prototype ? (record) => (hasOwn.call(record, name) ? record[name] : undefined) : (record) => record[name];
}

/** Sets field `name` on `record` as an own, enumerable property, `__proto__` included. */
export function setCell<T>(record: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}
