// Helpers the generators share: comment-safe text and JSON-like values checked before they
// are rendered as any language's literal.

import { showControls } from '../util/text';

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** One line of comment text: line breaks and control characters would end the comment, and a
 * bidi override would make the code read differently from what it is (shown as `<U+202E>`). */
export function commentText(text: string): string {
  return showControls(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')).trim();
}

export function finiteNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Cannot write the number ${value} in code.`);
  return String(value);
}

/** Indents every line after the first, for nested literals. */
export function indentLines(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}

export function asPlainValue(value: unknown): PlainValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    finiteNumber(value);
    return value;
  }
  if (Array.isArray(value)) return value.map(asPlainValue);
  if (typeof value === 'object' && value !== undefined) {
    const out: { [key: string]: PlainValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = asPlainValue(v);
    return out;
  }
  throw new Error(`Cannot write a ${typeof value} value in code.`);
}
