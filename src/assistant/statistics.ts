// The statistics engine the query tool calls for groupBy/statistics, once it exists
// (src/stats/aggregate.ts, contract in src/stats/types.ts). Until then the tool says
// plainly that statistics are not available yet.

import type { Aggregate } from '../stats/types';

export const aggregateEngine: Aggregate | undefined = undefined;
