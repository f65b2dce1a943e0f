// How much of an answer fits the model's context: a token budget when VS Code gives one
// (`tokenizationOptions`), otherwise fixed caps on rows and characters. A cut answer always
// says so, how much there is in all, and how to get the rest.

export interface OutputBudget {
  /** Most characters of the whole result text. */
  maxChars: number;
  /** From the caller (VS Code's tokenizationOptions): most tokens, and how to count them. */
  tokenBudget?: number;
  countTokens?: (text: string) => PromiseLike<number>;
}

/** Without a token budget: about 4,000 tokens, which leaves the model room to think. */
export const DEFAULT_MAX_CHARS = 16_000;
/** Rows a query answer shows at most, whatever the budget. */
export const MAX_ROWS_SHOWN = 100;
/** Longer cells are cut (a portal may hold a 10 MB note in one cell). */
export const MAX_CELL_CHARS = 200;

export function defaultBudget(): OutputBudget {
  return { maxChars: DEFAULT_MAX_CHARS };
}

export function budgetFrom(options: { tokenBudget?: number; countTokens?: (text: string) => PromiseLike<number> } | undefined): OutputBudget {
  if (!options?.tokenBudget || options.tokenBudget <= 0) return defaultBudget();
  // A token is at least one character: the character cap never binds before the token one.
  return { maxChars: Math.max(DEFAULT_MAX_CHARS, options.tokenBudget * 8), tokenBudget: options.tokenBudget, countTokens: options.countTokens };
}

async function fits(text: string, budget: OutputBudget): Promise<boolean> {
  if (text.length > budget.maxChars) return false;
  if (budget.tokenBudget === undefined) return true;
  if (budget.countTokens) return (await budget.countTokens(text)) <= budget.tokenBudget;
  // No counter: four characters a token is the usual estimate for English and CSV.
  return Math.ceil(text.length / 4) <= budget.tokenBudget;
}

/**
 * The largest `n <= total` for which `render(n)` fits the budget, and its text. `render(0)`
 * is returned even when it does not fit (it is the answer's frame: what was found and how to
 * get it). Binary search, so a token counter is asked about log2(total) times.
 */
export async function fitItems(total: number, render: (shown: number) => string, budget: OutputBudget): Promise<{ shown: number; text: string }> {
  const all = render(total);
  if (await fits(all, budget)) return { shown: total, text: all };
  let low = 0;
  let high = total - 1;
  let best = render(0);
  let bestShown = 0;
  while (low <= high) {
    const mid = Math.ceil((low + high) / 2);
    if (mid === 0) break;
    const text = render(mid);
    if (await fits(text, budget)) {
      best = text;
      bestShown = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return { shown: bestShown, text: best };
}

export function cutCell(text: string): { text: string; cut: boolean } {
  return text.length <= MAX_CELL_CHARS ? { text, cut: false } : { text: `${text.slice(0, MAX_CELL_CHARS - 1)}…`, cut: true };
}
