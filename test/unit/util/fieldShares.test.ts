// Whole-dataset missing shares patched into a field list (`metadata/missingShares`).

import assert from 'node:assert/strict';
import type { FieldShare, FieldView } from '../../../src/protocol';
import { withDatasetMissingShares } from '../../../src/util/fieldShares';

const field = (name: string, extra: Partial<FieldView> = {}): FieldView => ({ name, kind: 'string', nativeType: 'esriFieldTypeString', samples: ['a'], missingShare: 0.5, ...extra });

describe('metadata panel: whole-dataset missing shares', () => {
  it('patches the fields named, and keeps every other field as it was (the same object)', () => {
    const fields = [field('A'), field('B', { datasetMissingShare: 0.25 }), field('C'), field('D')];
    const { fields: out, patched } = withDatasetMissingShares(fields, [['C', 0.1], ['A', 0]]);
    assert.deepEqual(patched, [0, 2]);
    assert.equal(out[0].datasetMissingShare, 0);
    assert.equal(out[2].datasetMissingShare, 0.1);
    // Not in the delta: kept, a share from an earlier delta too.
    assert.equal(out[1], fields[1]);
    assert.equal(out[1].datasetMissingShare, 0.25);
    assert.equal(out[3], fields[3]);
    assert.equal(out[3].datasetMissingShare, undefined);
    // The sample's share and the rest of a patched field stay.
    assert.deepEqual({ ...out[2], datasetMissingShare: undefined }, { ...fields[2], datasetMissingShare: undefined });
    // The list given is not changed.
    assert.equal(fields[0].datasetMissingShare, undefined);
  });

  it('matches names exactly, __proto__ and constructor as any other, and ignores names it does not have', () => {
    const fields = [field('__proto__'), field('constructor'), field('toString'), field('name')];
    const shares: FieldShare[] = [['__proto__', 0.3], ['constructor', 1], ['NAME', 0.9], ['missing', 0.4]];
    const { fields: out, patched } = withDatasetMissingShares(fields, shares);
    assert.deepEqual(patched, [0, 1]);
    assert.deepEqual(out.map((f) => f.datasetMissingShare), [0.3, 1, undefined, undefined]);
  });

  it('takes a later share of the same field over an earlier one', () => {
    const first = withDatasetMissingShares([field('A')], [['A', 0.2]]).fields;
    assert.equal(withDatasetMissingShares(first, [['A', 0.7]]).fields[0].datasetMissingShare, 0.7);
  });
});
