// The assistant's tools as VS Code language-model tools: a thin adapter. Input, budget and
// cancellation go in; the assistant's answer comes out as a text part. The save tool asks
// first, naming the file and the row count: in a chat session VS Code shows prepareInvocation's
// confirmation; without one (vscode.lm.invokeTool with no toolInvocationToken) the tool asks
// itself with a modal dialog. Either way nothing is written unless the user agreed.

import * as vscode from 'vscode';
import { budgetFrom, describePlan, prepareSave, runTool, SAVE_DECLINED, savePlanned, TOOL_DEFINITIONS, type AssistantContext, type SavePlan, type ToolAnswer, type ToolName } from '../assistant/index';
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

/** What a confirmation says, in the user's language: file, row count, format. */
function confirmationText(plan: ReturnType<typeof describePlan>): { title: string; message: string } {
  const rows = plan.rows === 1 ? vscode.l10n.t('1 row') : vscode.l10n.t('{0} rows', plan.rows.toLocaleString());
  return {
    title: vscode.l10n.t('Save {0} to {1}?', rows, plan.file),
    message: plan.replaces
      ? vscode.l10n.t('{0} of the dataset will be written as {1} to {2}, replacing the file there. The current file stays untouched until the new one is complete.', rows, FORMAT_LABELS[plan.format], plan.file)
      : vscode.l10n.t('{0} of the dataset will be written as {1} to {2}, with a provenance file beside it.', rows, FORMAT_LABELS[plan.format], plan.file),
  };
}

/** The save tool's own question, for calls VS Code did not confirm (no chat session). */
async function askToSave(plan: SavePlan): Promise<boolean> {
  const { title, message } = confirmationText(describePlan(plan));
  const save = vscode.l10n.t('Save');
  return (await vscode.window.showWarningMessage(title, { modal: true, detail: message }, save)) === save;
}

/** True when VS Code tells prepareInvocation about chat sessions (1.10x and later pass these
 * keys) and this call has none: VS Code would confirm only through a dialog that extension
 * tests skip, so the tool asks itself in invoke(). Older versions pass no such keys. */
function knownOutsideChat(options: object): boolean {
  const keys = ['chatRequestId', 'chatSessionResource', 'chatSessionId'] as const;
  const given = options as Partial<Record<(typeof keys)[number], unknown>>;
  return keys.some((k) => k in given) && keys.every((k) => !given[k]);
}

export function registerLanguageModelTools(context: AssistantContext): vscode.Disposable {
  // Save inputs VS Code is confirming (it calls invoke() only once the user agreed). Each
  // prepareInvocation resets its input's entry and invoke() uses it up, so a refusal in chat
  // never lets a later call of the same input through unasked.
  const confirmedByVsCode = new Set<string>();
  const disposables = TOOL_DEFINITIONS.map((definition) =>
    vscode.lm.registerTool<Record<string, unknown>>(definition.name, {
      async prepareInvocation(options, token) {
        const message = invocationMessage(definition.name, options.input ?? {});
        if (definition.readOnly) return { invocationMessage: message };
        const key = JSON.stringify(options.input ?? null);
        confirmedByVsCode.delete(key);
        if (knownOutsideChat(options)) return { invocationMessage: message };
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const prepared = await prepareSave(options.input, context, controller.signal);
          // Nothing can be written (bad input, portal down): no question to ask; invoke()
          // plans again and answers with the reason, and asks itself should that plan succeed.
          if (!('plan' in prepared)) return { invocationMessage: message };
          const { title, message: detail } = confirmationText(describePlan(prepared.plan));
          confirmedByVsCode.add(key);
          return { invocationMessage: message, confirmationMessages: { title, message: new vscode.MarkdownString(detail) } };
        } finally {
          subscription.dispose();
        }
      },
      async invoke(options, token) {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const answer = definition.readOnly
            ? await runTool(definition.name, options.input, context, { budget: budgetFrom(options.tokenizationOptions), signal: controller.signal })
            : await confirmedSave(options.input, confirmedByVsCode.delete(JSON.stringify(options.input ?? null)), controller.signal);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(answer.text)]);
        } finally {
          subscription.dispose();
        }
      },
    }),
  );

  async function confirmedSave(input: unknown, confirmed: boolean, signal: AbortSignal): Promise<ToolAnswer> {
    const prepared = await prepareSave(input, context, signal);
    if (!('plan' in prepared)) return prepared.answer;
    if (!confirmed && !(await askToSave(prepared.plan))) return { text: SAVE_DECLINED, isError: true };
    return savePlanned(prepared.plan, input, context, signal);
  }

  return vscode.Disposable.from(...disposables);
}
