// Which of the window's long tasks count against a bench's marked spans.

import assert from 'node:assert/strict';
import { longestTaskPerKey } from '../../harness/longTasks';

describe('longestTaskPerKey', () => {
  const tasks = [
    { start: 100, durationMs: 300 }, // ends inside the first span
    { start: 1_000, durationMs: 80 }, // inside the second
    { start: 1_050, durationMs: 60 },
    { start: 5_000, durationMs: 900 }, // in no span
  ];

  it('takes the longest task overlapping each span, including one that started before it', () => {
    const pauses = longestTaskPerKey(tasks, [
      { key: 'a', startMs: 350, endMs: 900 },
      { key: 'b', startMs: 990, endMs: 1_200 },
    ]);
    assert.deepEqual(pauses, { a: 300, b: 80 });
  });

  it('keeps the longest over every span with the same key, and 0 for a span without long tasks', () => {
    const pauses = longestTaskPerKey(tasks, [
      { key: 'a', startMs: 990, endMs: 1_010 },
      { key: 'a', startMs: 350, endMs: 900 },
      { key: 'quiet', startMs: 2_000, endMs: 4_000 },
    ]);
    assert.deepEqual(pauses, { a: 300, quiet: 0 });
  });

  it('does not count a task that ended before the span or started after it', () => {
    assert.deepEqual(longestTaskPerKey(tasks, [{ key: 'between', startMs: 401, endMs: 999 }]), { between: 0 });
  });
});
