// HubPortal's reading of a statistics answer: columns in the asked order, names matched whatever
// case the server folded them to.

import * as assert from 'node:assert/strict';
import { readStatistics } from '../../../src/portal/hub';

describe('reading a statistics answer', () => {
  it('matches the asked names whatever case the server answered in (Oracle upper-cases, PostgreSQL lower-cases)', () => {
    const body = { features: [{ attributes: { CATEGORY: 'Permit', OKC_STAT_0: 12 } }, { attributes: { CATEGORY: 'Audit', OKC_STAT_0: 3 } }], exceededTransferLimit: true };
    assert.deepEqual(readStatistics(body, ['Category', 'okc_stat_0']), { columns: ['Category', 'okc_stat_0'], rows: [['Permit', 12], ['Audit', 3]], more: true });
    assert.throws(() => readStatistics({ features: [{ attributes: { other: 1 } }] }, ['okc_stat_0']), /no column okc_stat_0/);
  });
});
