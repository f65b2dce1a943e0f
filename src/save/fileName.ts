// Turns a dataset title into a file name that is safe on every OS the editor runs on, and
// resolves it inside the chosen folder so no title can write outside it. No `vscode` import.

import * as nodePath from 'node:path';

/** UTF-8 bytes the stem + extension may take. Leaves room below the common 255-byte limit
 * for the temp prefix/suffix (`.` + `.okc-tmp-xxxxxxxx`) and the sidecar's `.okc.json`. */
export const MAX_FILE_NAME_BYTES = 200;

// Control characters, bidi overrides/isolates and other invisible format characters: a
// name like "x\u202Etxt.exe" would otherwise display as "xexe.txt".
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
// Separators and characters Windows refuses in names.
const FORBIDDEN = /[/\\<>:"|?*]/g;
// Device names Windows reserves whatever extension follows (CON, con.txt, COM1.csv...),
// including the superscript-digit variants it also treats as devices.
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (used + size > maxBytes) break;
    out += ch;
    used += size;
  }
  return out;
}

function trimDotsAndSpaces(text: string): string {
  return text.replace(/^[\s.]+|[\s.]+$/gu, '');
}

function cleanExtension(ext: string): string {
  const cleaned = ext.replace(/^\.+/, '').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return cleaned || 'dat';
}

/**
 * A file name for `name` with extension `ext` (`"csv"` or `".csv"`): no separators, no `..`,
 * no control or bidi characters, no Windows device names, no leading/trailing dots or
 * spaces, at most MAX_FILE_NAME_BYTES, never empty. A name that already ends in `.ext`
 * keeps it once.
 */
export function sanitizeFileName(name: string, ext: string, fallback = 'dataset'): string {
  const extension = cleanExtension(ext);
  let stem = (name ?? '').normalize('NFC').replace(INVISIBLE, '').replace(FORBIDDEN, '_');
  stem = stem.replace(/\s+/gu, ' ');
  if (stem.toLowerCase().endsWith(`.${extension}`)) stem = stem.slice(0, -(extension.length + 1));
  stem = trimDotsAndSpaces(stem);
  // Windows looks at the part before the first dot, trailing spaces ignored.
  const device = stem.split('.')[0].trimEnd();
  if (RESERVED.test(device)) stem = `_${stem}`;
  stem = trimDotsAndSpaces(truncateUtf8(stem, MAX_FILE_NAME_BYTES - utf8Length(extension) - 1));
  if (!stem) stem = fallback;
  return `${stem}.${extension}`;
}

export interface PathApi {
  resolve(...segments: string[]): string;
  relative(from: string, to: string): string;
  isAbsolute(path: string): boolean;
  readonly sep: string;
}

/**
 * The path of `fileName` inside `folder`, refusing any name that would land elsewhere
 * (separators, `.`/`..`, absolute paths). `pathApi` defaults to the platform's; an adapter
 * working on URI paths passes `path.posix`.
 */
export function resolveInside(folder: string, fileName: string, pathApi: PathApi = nodePath): string {
  if (!fileName || fileName === '.' || fileName === '..' || /[/\\]/.test(fileName) || fileName.includes('\0')) {
    throw new Error(`Refusing file name "${fileName}": it must be a plain name inside the folder.`);
  }
  if (pathApi.isAbsolute(fileName)) throw new Error(`Refusing absolute file name "${fileName}".`);
  const base = pathApi.resolve(folder);
  const target = pathApi.resolve(base, fileName);
  const relative = pathApi.relative(base, target);
  if (!relative || relative.startsWith('..') || pathApi.isAbsolute(relative) || relative.includes(pathApi.sep)) {
    throw new Error(`Refusing file name "${fileName}": it resolves outside ${folder}.`);
  }
  return target;
}
