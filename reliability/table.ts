/** One row of the reliability table: what was checked, what came out, and whether that is what must. */
export interface Row {
  readonly check: string;
  readonly result: string;
  /** true: as required; false: a failure; undefined: not checked (never counted as a pass). */
  readonly ok: boolean | undefined;
}

const mark = (ok: boolean | undefined): string => (ok === undefined ? 'not checked' : ok ? 'ok' : 'FAILED');

/** A plain-text table (Markdown-compatible), columns padded to their widest cell. */
export const renderTable = (title: string, rows: readonly Row[]): string => {
  const cells = [['check', 'result', ''], ...rows.map((row) => [row.check, row.result, mark(row.ok)])];
  const widths = [0, 1, 2].map((column) => Math.max(...cells.map((cell) => cell[column]!.length)));
  const line = (cell: readonly string[]) =>
    `| ${cell.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [
    title,
    '',
    line(cells[0]!),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
};

export const count = (value: number): string => value.toLocaleString('en-US');
