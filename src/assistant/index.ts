// The assistant's one entry point for both adapters (LM tools in VS Code, the MCP server):
// run a tool by name on checked input, within a budget, and always get an answer back, never
// an exception, with no token in it. The save tool's confirmation is the adapter's job:
// `prepareSave` first (what would be written, or why nothing can be), then `savePlanned` once
// the user agreed.

import { defaultBudget, type OutputBudget } from './budget';
import { scrubSecrets, ToolInputError, type AssistantContext, type ToolAnswer } from './context';
import type { ToolName } from './definitions';
import { describeTool } from './describe';
import { errorAnswer } from './errors';
import { queryTool } from './query';
import { planSave, runSave, type SavePlan } from './save';
import { searchTool } from './search';
import { snippetTool } from './snippet';

export { TOOL_DEFINITIONS, toolDefinition, type ToolDefinition, type ToolName } from './definitions';
export { budgetFrom, defaultBudget, type OutputBudget } from './budget';
export { planSave, describePlan, type SavePlan } from './save';
export { UNTRUSTED_NOTE, UNTRUSTED_TAG } from './untrusted';
export type { AssistantContext, SaveTarget, ToolAnswer } from './context';

/** The answer when the user said no to a save. */
export const SAVE_DECLINED = 'The user did not confirm the save. Nothing was written.';

export interface RunOptions {
  budget?: OutputBudget;
  signal?: AbortSignal;
}

function asInput(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ToolInputError('The tool input must be a JSON object.');
  return value as Record<string, unknown>;
}

/** The save tool's first step: the plan a confirmation names (file, row count), or the
 * answer saying why nothing can be written, as `runTool` would give it. */
export async function prepareSave(rawInput: unknown, context: AssistantContext, signal?: AbortSignal): Promise<{ plan: SavePlan } | { answer: ToolAnswer }> {
  let plan: SavePlan | undefined;
  const answer = await answering(rawInput, context, async (input) => {
    plan = await planSave(context, input, signal);
    return { text: '', isError: false };
  });
  return plan ? { plan } : { answer };
}

/** The save tool's second step, once the user confirmed `plan`. */
export async function savePlanned(plan: SavePlan, rawInput: unknown, context: AssistantContext, signal?: AbortSignal): Promise<ToolAnswer> {
  return answering(rawInput, context, () => runSave(plan, signal));
}

/** Runs `work` on checked input; whatever it throws becomes an error answer; no answer keeps a token. */
async function answering(rawInput: unknown, context: AssistantContext, work: (input: Record<string, unknown>) => Promise<ToolAnswer>): Promise<ToolAnswer> {
  let answer: ToolAnswer;
  let portalName: string | undefined;
  let where: string | undefined;
  try {
    const input = asInput(rawInput);
    portalName = typeof input.portal === 'string' ? input.portal : undefined;
    where = typeof input.where === 'string' && input.where.trim() ? input.where : undefined;
    answer = await work(input);
  } catch (error) {
    answer = errorAnswer(error, portalName ?? datasetPortal(context, rawInput), where);
  }
  return scrubSecrets(answer, context);
}

export async function runTool(name: ToolName, rawInput: unknown, context: AssistantContext, options: RunOptions = {}): Promise<ToolAnswer> {
  const budget = options.budget ?? defaultBudget();
  return answering(rawInput, context, async (input) => {
    switch (name) {
      case 'okcOpenData_searchDatasets':
        return searchTool(context, input, budget);
      case 'okcOpenData_describeDataset':
        return describeTool(context, input, budget, options.signal);
      case 'okcOpenData_queryDataset':
        return queryTool(context, input, budget, options.signal);
      case 'okcOpenData_generateSnippet':
        return snippetTool(context, input, options.signal);
      case 'okcOpenData_saveDataset':
        return runSave(await planSave(context, input, options.signal), options.signal);
      default:
        throw new ToolInputError(`There is no tool named ${JSON.stringify(name)}.`);
    }
  });
}

/** The portal a failing call was about, for the error's wording. */
function datasetPortal(context: AssistantContext, rawInput: unknown): string | undefined {
  const id = (rawInput as { dataset?: unknown } | undefined)?.dataset;
  return typeof id === 'string' ? context.store.allDatasets().find((d) => d.id === id)?.portal : undefined;
}
