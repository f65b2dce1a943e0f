// Which grid column a typed text names (the filter's field on layers too wide for a select).
// No DOM: unit-tested in plain Node.

import type { GridView } from '../../protocol';

/** The field a typed text names: a name as it is, else a label, else either ignoring case. */
export function fieldNamed(view: Pick<GridView, 'columns'>, text: string): string | undefined {
  const typed = text.trim();
  const lower = typed.toLowerCase();
  const found =
    view.columns.find((c) => c.name === typed) ??
    view.columns.find((c) => c.label === typed) ??
    view.columns.find((c) => c.name.toLowerCase() === lower || c.label.toLowerCase() === lower);
  return found?.name;
}
