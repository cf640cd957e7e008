// One row of the `spool tail` view: local time, partition/offset (with the topic when several are
// followed), key, and the value (JSON on one line and coloured, other text with its control
// characters escaped), cut to the terminal width with a final `…`. Column widths only grow, so
// rows line up as they scroll. Rows are plain strings with colour codes: the view writes a whole
// frame of them at once.
import type { Palette } from '../term/colors.js';
import type { TailRecord } from './tail-record.js';
import { jsonSpans, type JsonSpanKind } from './json-spans.js';
import { escapeControls, fitWidth, textWidth } from './text-width.js';

type SpanKind = 'time' | 'topic' | 'position' | 'key' | 'text' | 'dim' | JsonSpanKind;

interface Span {
  text: string;
  kind: SpanKind;
}

export interface TailRowOptions {
  /** Show the topic before partition/offset (several topics or a pattern). */
  showTopic: boolean;
  /** The key column is never wider than this. */
  keyMaxCells?: number;
  /** The current time, to decide whether a record's date is today. */
  now?: () => number;
  /** Known at the start, so the first rows already line up: topic names and partition/offsets. */
  topics?: readonly string[];
  positions?: ReadonlyArray<{ partition: number; offset: number }>;
}

const ELLIPSIS = '…';
const SEPARATOR: Span = { text: ' ', kind: 'text' };

export class TailRowFormatter {
  readonly #palette: Palette;
  readonly #options: TailRowOptions;
  readonly #keyMaxCells: number;
  #topicCells = 0;
  #positionCells = 0;
  #keyCells = 0;
  #todayStartMs = 0;
  #todayEndMs = 0;

  constructor(palette: Palette, options: TailRowOptions) {
    this.#palette = palette;
    this.#options = options;
    this.#keyMaxCells = options.keyMaxCells ?? 24;
    for (const topic of options.topics ?? []) this.#topicCells = Math.max(this.#topicCells, textWidth(topic));
    for (const p of options.positions ?? []) this.#positionCells = Math.max(this.#positionCells, `${p.partition}/${p.offset}`.length);
  }

  /** The row (or, for a multi-line -f format, rows) of `record`, each at most `columns` cells. */
  format(record: TailRecord, columns: number): string {
    if (record.formatted !== null) {
      return record.formatted
        .split('\n')
        .map((line) => this.#fit([{ text: escapeControls(line), kind: 'text' }], columns))
        .join('\n');
    }
    const spans: Span[] = [{ text: this.#time(record.timestamp), kind: 'time' }, SEPARATOR];
    if (this.#options.showTopic) {
      this.#topicCells = Math.max(this.#topicCells, textWidth(record.topic));
      spans.push({ text: padCells(record.topic, this.#topicCells), kind: 'topic' }, SEPARATOR);
    }
    const position = `${record.partition}/${record.offset}`;
    this.#positionCells = Math.max(this.#positionCells, position.length);
    spans.push({ text: position.padEnd(this.#positionCells), kind: 'position' }, SEPARATOR);
    this.#pushKey(spans, record.key);
    const used = spans.reduce((n, s) => n + textWidth(s.text), 0);
    this.#pushValue(spans, record, columns - used);
    return this.#fit(spans, columns);
  }

  /** A dim line of the view's own (not a record), cut to `columns`. */
  note(text: string, columns: number): string {
    return this.#fit([{ text, kind: 'dim' }], columns);
  }

  #pushKey(spans: Span[], key: string | null): void {
    const text = key === null ? null : escapeControls(key);
    if (text !== null) this.#keyCells = Math.min(this.#keyMaxCells, Math.max(this.#keyCells, textWidth(text)));
    if (this.#keyCells === 0) return; // no record had a key yet: no key column
    if (text === null) {
      spans.push({ text: padCells('-', this.#keyCells), kind: 'dim' }, SEPARATOR);
      return;
    }
    const width = textWidth(text);
    const shown = width > this.#keyCells ? fitWidth(text, this.#keyCells - 1).text + ELLIPSIS : text;
    spans.push({ text: padCells(shown, this.#keyCells), kind: 'key' }, SEPARATOR);
  }

  #pushValue(spans: Span[], record: TailRecord, cells: number): void {
    if (record.value === null) {
      spans.push({ text: 'null', kind: 'dim' });
      return;
    }
    if (record.binary) {
      spans.push({ text: `<${record.valueBytes} bytes, not UTF-8>`, kind: 'dim' }, SEPARATOR, { text: record.value, kind: 'dim' });
      return;
    }
    const room = Math.max(cells, 0) + 1;
    const json = jsonSpans(record.value, room);
    if (json !== null) spans.push(...json);
    // Only what can show is escaped and measured (a cell takes at least one UTF-16 unit, bar
    // zero-width characters).
    else spans.push({ text: escapeControls(record.value.length > room * 2 ? record.value.slice(0, room * 2) : record.value), kind: 'text' });
  }

  /** Join the spans in colour, cut to `columns` cells with a final `…` when something was cut. */
  #fit(spans: readonly Span[], columns: number): string {
    if (columns <= 0) return '';
    let total = 0;
    for (const span of spans) total += textWidth(span.text);
    const out = new SgrLine(this.#palette.level > 0);
    if (total <= columns) {
      for (const span of spans) out.add(span.text, span.kind);
      return out.end();
    }
    let left = columns - 1;
    for (const span of spans) {
      const width = textWidth(span.text);
      if (width <= left) {
        out.add(span.text, span.kind);
        left -= width;
        continue;
      }
      out.add(fitWidth(span.text, left).text, span.kind);
      break;
    }
    out.add(ELLIPSIS, 'dim');
    return out.end();
  }

  /** Local `HH:MM:SS.mmm` for today, with the date before it for other days. */
  #time(timestampMs: number): string {
    if (timestampMs < 0) return '-';
    const now = (this.#options.now ?? Date.now)();
    if (now < this.#todayStartMs || now >= this.#todayEndMs) {
      const start = new Date(now);
      start.setHours(0, 0, 0, 0);
      this.#todayStartMs = start.getTime();
      const end = new Date(this.#todayStartMs);
      end.setDate(end.getDate() + 1);
      this.#todayEndMs = end.getTime();
    }
    const d = new Date(timestampMs);
    const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    if (timestampMs >= this.#todayStartMs && timestampMs < this.#todayEndMs) return time;
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}`;
  }
}

/**
 * SGR parameters per span kind. A row carries a lot of colour changes (every JSON token), so it
 * is written with one `ESC[0;Nm` per change and one reset at the end, about half the bytes of
 * wrapping each span in open and close codes: what the terminal must absorb at 20,000 rows/s.
 * Colours are the 16 basic ones, which every terminal has and NO_COLOR turns off.
 */
const SGR: Record<SpanKind, string> = {
  time: '90',
  topic: '1',
  position: '36',
  key: '35',
  text: '',
  dim: '2',
  jsonKey: '34',
  jsonString: '32',
  jsonNumber: '33',
  jsonLiteral: '35',
  jsonPunct: '90',
};

class SgrLine {
  readonly #colour: boolean;
  #text = '';
  #current = '';

  constructor(colour: boolean) {
    this.#colour = colour;
  }

  add(text: string, kind: SpanKind): void {
    if (text === '') return;
    const sgr = SGR[kind];
    // Spaces look the same in any colour: no change needed for a separator.
    if (this.#colour && sgr !== this.#current && text !== ' ') {
      this.#text += sgr === '' ? '\u001b[0m' : `\u001b[0;${sgr}m`;
      this.#current = sgr;
    }
    this.#text += text;
  }

  end(): string {
    return this.#current === '' ? this.#text : `${this.#text}\u001b[0m`;
  }
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function padCells(text: string, cells: number): string {
  const width = textWidth(text);
  return width >= cells ? text : text + ' '.repeat(cells - width);
}
