// Whole-dataset missing shares patched into a field list, on the host (the panel's state) and in
// the metadata webview (the table it shows), so both sides read a `metadata/missingShares` alike.

import type { FieldShare, FieldView } from '../protocol';

/** The fields with the shares applied (new objects for the fields patched, the same for the
 * rest), and the positions patched. Names are matched exactly; unknown names are ignored. */
export function withDatasetMissingShares(fields: readonly FieldView[], shares: readonly FieldShare[]): { fields: FieldView[]; patched: number[] } {
  const byName = new Map<string, number>();
  for (const [name, share] of shares) byName.set(name, share);
  const patched: number[] = [];
  const out = fields.map((field, index) => {
    const share = byName.get(field.name);
    if (share === undefined) return field;
    patched.push(index);
    return { ...field, datasetMissingShare: share };
  });
  return { fields: out, patched };
}
