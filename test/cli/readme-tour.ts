import { readFileSync } from 'node:fs';
import { PROJECT_ROOT } from '../support/npm-start.ts';

/**
 * The README tour as data: the `console` blocks between `<!-- tour:start -->` and `<!-- tour:end -->`. A line
 * starting with `$ ` is a command (continued on the next line after a trailing `\`); the lines after it are
 * what it prints, `…` standing for any text. A block without a command is more output of the command still
 * running in another terminal (`employer listen`).
 */

export interface TourStep {
  readonly command: string;
  readonly expected: readonly string[];
}

export interface TourBlock {
  readonly steps: readonly TourStep[];
  /** Output lines of a block that runs no command. */
  readonly output: readonly string[];
}

export const readTour = (): { readonly text: string; readonly blocks: readonly TourBlock[] } => {
  const readme = readFileSync(`${PROJECT_ROOT}/README.md`, 'utf8');
  const start = readme.indexOf('<!-- tour:start -->');
  const end = readme.indexOf('<!-- tour:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no tour between its markers');
  const text = readme.slice(start, end);
  const blocks = [...text.matchAll(/^```console\n([\s\S]*?)^```$/gm)].map((match) => parseBlock(match[1]!));
  return { text, blocks };
};

const parseBlock = (body: string): TourBlock => {
  const steps: { command: string; expected: string[] }[] = [];
  const output: string[] = [];
  const lines = body.replace(/\n$/, '').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith('$ ')) {
      let command = line.slice(2);
      while (command.endsWith('\\') && index + 1 < lines.length) command = `${command}\n${lines[++index]!}`;
      steps.push({ command, expected: [] });
    } else {
      (steps.at(-1)?.expected ?? output).push(line);
    }
  }
  return { steps, output };
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A line as shown in the README: literal, except `…`, which stands for any text. */
export const linePattern = (line: string): RegExp =>
  new RegExp(`^${line.split('…').map(escapeRegExp).join('.*')}$`);

/**
 * The expected lines that the actual output does not show, in order: each must match a whole line of the
 * output after the line the previous one matched. Empty when the output is as the README says.
 */
export const missingLines = (expected: readonly string[], actual: string): string[] => {
  const lines = actual.split('\n').map((line) => line.trimEnd());
  const missing: string[] = [];
  let from = 0;
  for (const line of expected) {
    if (line.trim() === '…' || line.trim() === '') continue;
    const pattern = linePattern(line.trimEnd());
    const found = lines.findIndex((candidate, index) => index >= from && pattern.test(candidate));
    if (found < 0) missing.push(line);
    else from = found + 1;
  }
  return missing;
};
