// The statistics engine the query tool calls for groupBy/statistics: the one the column
// profiles use (src/stats/aggregate.ts), on the portal where it can, else over fetched rows.

import { aggregate, DEFAULT_CLIENT_ROW_LIMIT } from '../stats/aggregate';
import type { Aggregate } from '../stats/types';

export const aggregateEngine: Aggregate | undefined = aggregate;
export const CLIENT_STATISTICS_ROW_LIMIT = DEFAULT_CLIENT_ROW_LIMIT;
