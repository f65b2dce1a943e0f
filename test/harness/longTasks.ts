// The browser window's long tasks (main-thread work of 50 ms or more) seen in every frame,
// the workbench's and each webview's, as they happen: a webview's frame goes away when its panel
// closes, so its entries are sent out at once rather than read afterwards. A bench marks spans
// (epoch ms) from inside the extension host; the longest task overlapping a span is the longest
// the window stood still during it.

import type { Page } from 'playwright-core';

export interface LongTask {
  /** Epoch ms. */
  start: number;
  durationMs: number;
}

export interface MarkedSpan {
  key: string;
  startMs: number;
  endMs: number;
}

/** Starts recording; call before the page navigates. Returns the list the tasks are pushed to. */
export async function recordLongTasks(page: Page): Promise<LongTask[]> {
  const tasks: LongTask[] = [];
  await page.exposeFunction('__okcLongTask', (start: number, durationMs: number) => {
    tasks.push({ start, durationMs });
  });
  await page.addInitScript(() => {
    const holder = globalThis as unknown as { __okcLongTask?: (start: number, duration: number) => void };
    // Runs in the browser; the types here are Node's, which know neither `longtask` nor this list.
    const observer = PerformanceObserver as unknown as { supportedEntryTypes?: readonly string[] } | undefined;
    if (!observer?.supportedEntryTypes?.includes('longtask')) return;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) holder.__okcLongTask?.(performance.timeOrigin + entry.startTime, entry.duration);
    }).observe({ type: 'longtask' as never });
  });
  return tasks;
}

/** The longest task overlapping each span, by the span's key (0 when none reached 50 ms). */
export function longestTaskPerKey(tasks: readonly LongTask[], spans: readonly MarkedSpan[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const span of spans) {
    let longest = out[span.key] ?? 0;
    for (const task of tasks) {
      if (task.start < span.endMs && task.start + task.durationMs > span.startMs) longest = Math.max(longest, task.durationMs);
    }
    out[span.key] = longest;
  }
  return out;
}
