/** What a command prints: JSON for scripts with `--json`, lines for people otherwise. Always on stdout. */
export interface Views {
  readonly json: () => unknown;
  readonly human: () => readonly string[];
}

export const print = (options: { readonly json?: boolean | undefined }, views: Views): void => {
  process.stdout.write(
    options.json ? `${JSON.stringify(views.json(), null, 2)}\n` : `${views.human().join('\n')}\n`,
  );
};

/** Progress and notes go to stderr, so that stdout stays what a script reads. */
export const note = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** A table's rows with their columns padded to the widest cell. */
export const columns = (rows: readonly (readonly string[])[], gap = '  '): string[] => {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join(gap)
      .trimEnd(),
  );
};

/** Long bodies are shown in part on a terminal (the whole of them is in --json). */
export const excerpt = (text: string, max = 160): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};
