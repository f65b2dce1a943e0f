// The assistant's one entry point for both adapters (LM tools in VS Code, the MCP server):
// run a tool by name on checked input, within a budget, and always get an answer back, never
// an exception, with no token in it. The save tool's confirmation is the adapter's job:
// `planSave` first (what would be written), then `runTool` once the user agreed.

import { defaultBudget, type OutputBudget } from './budget';
import { scrubSecrets, ToolInputError, type AssistantContext, type ToolAnswer } from './context';
import type { ToolName } from './definitions';
import { describeTool } from './describe';
import { errorAnswer } from './errors';
import { queryTool } from './query';
import { planSave, runSave } from './save';
import { searchTool } from './search';
import { snippetTool } from './snippet';

export { TOOL_DEFINITIONS, toolDefinition, type ToolDefinition, type ToolName } from './definitions';
export { budgetFrom, defaultBudget, type OutputBudget } from './budget';
export { planSave, describePlan, type SavePlan } from './save';
export { UNTRUSTED_NOTE, UNTRUSTED_TAG } from './untrusted';
export type { AssistantContext, SaveTarget, ToolAnswer } from './context';

export interface RunOptions {
  budget?: OutputBudget;
  signal?: AbortSignal;
}

function asInput(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ToolInputError('The tool input must be a JSON object.');
  return value as Record<string, unknown>;
}

export async function runTool(name: ToolName, rawInput: unknown, context: AssistantContext, options: RunOptions = {}): Promise<ToolAnswer> {
  const budget = options.budget ?? defaultBudget();
  let answer: ToolAnswer;
  let portalName: string | undefined;
  let where: string | undefined;
  try {
    const input = asInput(rawInput);
    portalName = typeof input.portal === 'string' ? input.portal : undefined;
    where = typeof input.where === 'string' && input.where.trim() ? input.where : undefined;
    switch (name) {
      case 'okcOpenData_searchDatasets':
        answer = await searchTool(context, input, budget);
        break;
      case 'okcOpenData_describeDataset':
        answer = await describeTool(context, input, budget, options.signal);
        break;
      case 'okcOpenData_queryDataset':
        answer = await queryTool(context, input, budget, options.signal);
        break;
      case 'okcOpenData_generateSnippet':
        answer = await snippetTool(context, input, options.signal);
        break;
      case 'okcOpenData_saveDataset':
        answer = await runSave(await planSave(context, input, options.signal), options.signal);
        break;
      default:
        throw new ToolInputError(`There is no tool named ${JSON.stringify(name)}.`);
    }
  } catch (error) {
    answer = errorAnswer(error, portalName ?? datasetPortal(context, rawInput), where);
  }
  return scrubSecrets(answer, context);
}

/** The portal a failing call was about, for the error's wording. */
function datasetPortal(context: AssistantContext, rawInput: unknown): string | undefined {
  const id = (rawInput as { dataset?: unknown } | undefined)?.dataset;
  return typeof id === 'string' ? context.store.allDatasets().find((d) => d.id === id)?.portal : undefined;
}
