// Read-only editors for text the extension shows but the user did not write (a dataset's whole
// description): served by a content provider, so closing one never asks to save it, and the
// text is dropped when its editor closes.
import * as vscode from 'vscode';
import { sanitizeFileName } from '../save/fileName';

const SCHEME = 'okc-open-data-text';
const texts = new Map<string, string>();
let opened = 0;

export function registerReadOnlyText(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => texts.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === SCHEME) texts.delete(doc.uri.toString());
    }),
  );
}

/** Opens `text` in a read-only editor titled after `name` (portal text: made a safe file name). */
export async function showReadOnlyText(name: string, text: string): Promise<void> {
  // The query keeps two openings of the same name apart (each its own text).
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${sanitizeFileName(name, 'txt', 'text')}`, query: String(++opened) });
  texts.set(uri.toString(), text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
}
