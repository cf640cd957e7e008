// Plain column tables for list and describe output: a header row, columns padded to their
// widest cell, numbers right-aligned. No box drawing: it goes through pipes and grep. The only
// colour is an optional header style, which callers pass for a terminal (term/colors.ts decides).

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A table as data: the plain output renders it with renderTable, the live views with ink. */
export interface TableData {
  columns: readonly Column[];
  rows: ReadonlyArray<readonly string[]>;
}

export interface TableStyle {
  /** Applied to the padded header line, e.g. bold on a terminal (`paletteFor(io.stdout, io.env).header`). */
  header?: (line: string) => string;
}

export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, style: TableStyle = {}): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  return [style.header === undefined ? header : style.header(header), ...rows.map(line)].join('\n') + '\n';
}
