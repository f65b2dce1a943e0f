// The assistant's tools as VS Code language-model tools: a thin adapter. Input, budget and
// cancellation go in; the assistant's answer comes out as a text part. The save tool asks
// first: prepareInvocation works out the file and the row count and VS Code shows them for
// confirmation (in chat, or as a modal dialog when invoked without a chat session).

import * as vscode from 'vscode';
import { budgetFrom, describePlan, planSave, runTool, TOOL_DEFINITIONS, type AssistantContext, type ToolName } from '../assistant/index';
import { showControls } from '../util/text';

const FORMAT_LABELS: Record<string, string> = { csv: 'CSV', json: 'JSON', geojson: 'GeoJSON', ndjson: 'NDJSON' };

function invocationMessage(name: ToolName, input: Record<string, unknown>): string {
  const dataset = typeof input.dataset === 'string' ? showControls(input.dataset) : '';
  switch (name) {
    case 'okcOpenData_searchDatasets':
      return vscode.l10n.t('Searching OKC open data for "{0}"', typeof input.text === 'string' ? showControls(input.text) : '');
    case 'okcOpenData_describeDataset':
      return vscode.l10n.t('Reading the description of {0}', dataset);
    case 'okcOpenData_queryDataset':
      return vscode.l10n.t('Querying {0}', dataset);
    case 'okcOpenData_generateSnippet':
      return vscode.l10n.t('Writing code for {0}', dataset);
    case 'okcOpenData_saveDataset':
      return vscode.l10n.t('Saving {0}', dataset);
  }
}

export function registerLanguageModelTools(context: AssistantContext): vscode.Disposable {
  const disposables = TOOL_DEFINITIONS.map((definition) =>
    vscode.lm.registerTool<Record<string, unknown>>(definition.name, {
      async prepareInvocation(options, token) {
        const message = invocationMessage(definition.name, options.input ?? {});
        if (definition.readOnly) return { invocationMessage: message };
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const plan = describePlan(await planSave(context, options.input ?? {}, controller.signal));
          const rows = plan.rows === 1 ? vscode.l10n.t('1 row') : vscode.l10n.t('{0} rows', plan.rows.toLocaleString());
          return {
            invocationMessage: message,
            confirmationMessages: {
              title: vscode.l10n.t('Save {0} to {1}?', rows, plan.file),
              message: new vscode.MarkdownString(
                plan.replaces
                  ? vscode.l10n.t('{0} of the dataset will be written as {1} to {2}, replacing the file there. The current file stays untouched until the new one is complete.', rows, FORMAT_LABELS[plan.format], plan.file)
                  : vscode.l10n.t('{0} of the dataset will be written as {1} to {2}, with a provenance file beside it.', rows, FORMAT_LABELS[plan.format], plan.file),
              ),
            },
          };
        } catch {
          // Nothing can be written (bad input, portal down): no question to ask. invoke()
          // plans again and answers with the reason.
          return { invocationMessage: message };
        } finally {
          subscription.dispose();
        }
      },
      async invoke(options, token) {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const answer = await runTool(definition.name, options.input, context, { budget: budgetFrom(options.tokenizationOptions), signal: controller.signal });
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(answer.text)]);
        } finally {
          subscription.dispose();
        }
      },
    }),
  );
  return vscode.Disposable.from(...disposables);
}
