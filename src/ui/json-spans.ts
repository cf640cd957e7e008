// One line of coloured JSON: a tolerant tokenizer over a JSON object or array that drops the
// whitespace between tokens (so pretty-printed JSON comes out on one line) and tags each token
// for colour. It stops once `maxCells` are filled, so a large value costs only what is shown;
// anything that is not JSON in the part it reads gives null, and the value is shown as text.
import { textWidth } from './text-width.js';

export type JsonSpanKind = 'jsonKey' | 'jsonString' | 'jsonNumber' | 'jsonLiteral' | 'jsonPunct';

export interface JsonSpan {
  text: string;
  kind: JsonSpanKind;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const PUNCTUATION = new Set(['{', '}', '[', ']', ':', ',']);
const NUMBER_CHAR = /[0-9eE+.-]/;
const LITERALS = ['true', 'false', 'null'];

/** Spans for the start of `text` (at least `maxCells` wide unless it ends first), or null. */
export function jsonSpans(text: string, maxCells: number): JsonSpan[] | null {
  let i = 0;
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  if (text[i] !== '{' && text[i] !== '[') return null;
  const spans: JsonSpan[] = [];
  let cells = 0;
  const push = (s: string, kind: JsonSpanKind) => {
    const last = spans[spans.length - 1];
    if (kind === 'jsonPunct' && last?.kind === 'jsonPunct') last.text += s;
    else spans.push({ text: s, kind });
    cells += kind === 'jsonString' || kind === 'jsonKey' ? textWidth(s) : s.length;
  };
  while (i < text.length && cells <= maxCells) {
    const c = text[i]!;
    if (WHITESPACE.has(c)) {
      i++;
    } else if (PUNCTUATION.has(c)) {
      push(c, 'jsonPunct');
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return null;
      const s = text.slice(i, end);
      let j = end;
      while (j < text.length && WHITESPACE.has(text[j]!)) j++;
      push(s, text[j] === ':' ? 'jsonKey' : 'jsonString');
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && NUMBER_CHAR.test(text[j]!)) j++;
      push(text.slice(i, j), 'jsonNumber');
      i = j;
    } else {
      const literal = LITERALS.find((l) => text.startsWith(l, i) || (text.length - i < l.length && l.startsWith(text.slice(i))));
      if (literal === undefined) return null;
      const s = text.slice(i, i + literal.length);
      push(s, 'jsonLiteral');
      i += s.length;
    }
  }
  return spans;
}

/**
 * The index after the closing quote of the string opening at `start`; the text's end when it was
 * cut inside the string; -1 for a raw control character (not JSON).
 */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i++;
    else if (code === 0x22) return i + 1;
    else if (code < 0x20) return -1;
  }
  return text.length;
}
