// The CSV preview's overrides of its guesses (header, delimiter, encoding): kept per file in
// workspace state, the localised templates the toolbar and quick picks show, the quick picks
// of CSV Preview Options…, and the input box for a delimiter the list does not name.

import * as vscode from 'vscode';
import {
  applyCsvOptionChange,
  csvOptionItems,
  hasCsvOverrides,
  parseCsvOverrides,
  parseDelimiterInput,
  type CsvChoices,
  type CsvOptionChange,
  type CsvOptionItem,
  type CsvOptionLabelKey,
  type CsvOptionRequest,
  type CsvOverrides,
} from '../csv/index';

const STATE_KEY = 'okcOpenData.csvPreviewOverrides';

/** Overrides by file URI; a change is announced so every preview of that file reads it again. */
export class CsvOverrideStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  get(uri: vscode.Uri): CsvOverrides {
    const all = this.memento.get<Record<string, unknown>>(STATE_KEY) ?? {};
    return parseCsvOverrides(all[uri.toString()]);
  }

  async change(uri: vscode.Uri, change: CsvOptionChange): Promise<void> {
    const next = applyCsvOptionChange(this.get(uri), change);
    const all = { ...(this.memento.get<Record<string, unknown>>(STATE_KEY) ?? {}) };
    if (hasCsvOverrides(next)) all[uri.toString()] = next;
    else delete all[uri.toString()];
    await this.memento.update(STATE_KEY, all);
    this.changed.fire(uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Templates for `csvOptionItems` and the toolbar's accessible names. */
export function csvOptionLabels(): Record<CsvOptionLabelKey | 'csv.options' | 'csv.headerLabel' | 'csv.delimiterLabel' | 'csv.encodingLabel' | 'csv.reset', string> {
  return {
    'csv.header.guessed.yes': vscode.l10n.t('Header: guessed yes'),
    'csv.header.guessed.no': vscode.l10n.t('Header: guessed no'),
    'csv.header.yes': vscode.l10n.t('Header: yes'),
    'csv.header.no': vscode.l10n.t('Header: no'),
    'csv.delimiter.guessed': vscode.l10n.t('Delimiter: {0} (guessed)'),
    'csv.delimiter': vscode.l10n.t('Delimiter: {0}'),
    'csv.delimiter.other': vscode.l10n.t('Delimiter: other…'),
    'csv.encoding.guessed': vscode.l10n.t('Encoding: {0} (guessed)'),
    'csv.encoding': vscode.l10n.t('Encoding: {0}'),
    'csv.tab': vscode.l10n.t('Tab'),
    'csv.space': vscode.l10n.t('Space'),
    'csv.options': vscode.l10n.t('How the file is read'),
    'csv.headerLabel': vscode.l10n.t('First row is a header'),
    'csv.delimiterLabel': vscode.l10n.t('Delimiter'),
    'csv.encodingLabel': vscode.l10n.t('Encoding'),
    'csv.reset': vscode.l10n.t('Reset to the guesses'),
  };
}

/** The input box behind "Delimiter: other…"; undefined when the user cancels. */
export async function askOtherDelimiter(): Promise<CsvOptionChange | undefined> {
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('CSV Delimiter'),
    prompt: vscode.l10n.t('One character that separates the values, e.g. : or ~ (type \\t or tab for a tab).'),
    validateInput: (text) => (text === '' || parseDelimiterInput(text) !== undefined ? undefined : vscode.l10n.t('Type one character other than a quote or a line break.')),
  });
  const delimiter = typed === undefined ? undefined : parseDelimiterInput(typed);
  return delimiter === undefined ? undefined : { option: 'delimiter', value: delimiter };
}

type OptionPick = vscode.QuickPickItem & { option?: keyof CsvChoices; request?: CsvOptionRequest };

/** CSV Preview Options…: which option, then which value; undefined when the user cancels. */
export async function pickCsvOption(fileName: string, choices: CsvChoices): Promise<CsvOptionRequest | undefined> {
  const L = csvOptionLabels();
  const items = csvOptionItems(L, choices);
  const currentText = (list: CsvOptionItem[]): string => list.find((i) => i.current)?.text ?? '';
  const options: OptionPick[] = [
    { label: `$(list-flat) ${currentText(items.hasHeader)}`, option: 'hasHeader' },
    { label: `$(split-horizontal) ${currentText(items.delimiter)}`, option: 'delimiter' },
    { label: `$(file-binary) ${currentText(items.encoding)}`, option: 'encoding' },
  ];
  if (!choices.hasHeader.guessed || !choices.delimiter.guessed || !choices.encoding.guessed) {
    options.push({ label: `$(discard) ${L['csv.reset']}`, request: { option: 'reset' } });
  }
  const title = vscode.l10n.t('CSV Preview Options: {0}', fileName);
  const first = await vscode.window.showQuickPick(options, { title, placeHolder: vscode.l10n.t('Pick what to change') });
  if (!first) return undefined;
  if (first.request) return first.request;
  const values = items[first.option!].map((item): OptionPick => ({ label: item.text, description: item.current ? vscode.l10n.t('in use') : undefined, request: item.request }));
  const placeHolder = { hasHeader: L['csv.headerLabel'], delimiter: L['csv.delimiterLabel'], encoding: L['csv.encodingLabel'] }[first.option!];
  const second = await vscode.window.showQuickPick(values, { title, placeHolder });
  return second?.request;
}
