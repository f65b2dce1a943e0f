// Failures as answers the model can act on: what happened, and what to do next. Tools
// never throw to their callers; every error ends here.

import { isPortalError, type PortalError } from '../portal/errors';
import { SaveError } from '../save/index';
import { ToolInputError, type ToolAnswer } from './context';
import { defuse } from './untrusted';

function portalDetails(error: PortalError): string {
  const details = (error.details.portalDetails ?? []).filter(Boolean);
  return details.length ? ` Details from the portal: ${defuse(details.join(' | ').replace(/\.+$/, ''))}.` : '';
}

export function portalErrorText(portalName: string, error: PortalError, whereClause?: string): string {
  const name = defuse(portalName);
  switch (error.kind) {
    case 'botChallenge':
      return `${name} answered with a browser-check page instead of data: its bot protection blocks programs. Try again later, or use a dataset from the ArcGIS Hub portal.`;
    case 'rateLimited':
      return `${name} is limiting requests (HTTP 429)${error.details.retryAfterSeconds !== undefined ? ` and asked to wait ${error.details.retryAfterSeconds} seconds` : ''}. Wait, then try again; do not retry at once.`;
    case 'timeout':
      return `${name} did not answer in time. Try again later, or ask for fewer rows or a narrower where clause.`;
    case 'server':
      return `${name} had a server error, also after retries (${defuse(error.message)}). Try again later.`;
    case 'malformed':
      return `${name} sent an answer that could not be read (${defuse(error.message)}). Try again; if it persists, the portal may be changing.`;
    case 'network':
      return `${name} could not be reached: ${defuse(error.message)} The user should check the portal URL and the connection.`;
    case 'notFound':
      return `${name} has nothing at this address (HTTP 404). The dataset may have moved; search the catalog again.`;
    case 'auth':
      return `${name} refused access (${defuse(error.message)}). This dataset needs a token: the user can set one with the command "OKC Open Data: Set Portal Token" (or OKC_PORTAL_TOKEN for the MCP server). Never ask the user to paste a token into the chat.`;
    case 'cancelled':
      return 'The request was cancelled.';
    case 'refused':
    case 'rejected':
      if (whereClause !== undefined) return `The portal refused this where clause: ${defuse(whereClause)} — ${defuse(error.message.replace(/\.+$/, ''))}.${portalDetails(error)} Check the field names and value types with okcOpenData_describeDataset, then try again.`;
      return `${name} refused the request: ${defuse(error.message.replace(/\.+$/, ''))}.${portalDetails(error)}`;
  }
}

export function errorAnswer(error: unknown, portalName = 'The portal', whereClause?: string): ToolAnswer {
  if (error instanceof ToolInputError) return { text: error.message, isError: true };
  if (isPortalError(error)) return { text: portalErrorText(portalName, error, whereClause), isError: true };
  if (error instanceof SaveError) {
    switch (error.kind) {
      case 'cancelled':
        return { text: 'The save was cancelled. No file was written and any existing file is unchanged.', isError: true };
      case 'countMismatch':
        return { text: `The download did not match the portal's row count (${defuse(error.message)}). Nothing was written and any existing file is unchanged; try again.`, isError: true };
      case 'exists':
        return { text: `${defuse(error.message)} Nothing was written. Choose another file name, or set overwrite to true if the user wants it replaced.`, isError: true };
      default:
        return { text: `Saving failed: ${defuse(error.message)}. Nothing was written.`, isError: true };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { text: `The tool failed unexpectedly: ${defuse(message)}`, isError: true };
}
