import { employerSecret } from '#notify/employer-secret.ts';
import type { SecretName } from '#shared/secret-names.ts';

/** A value that must never be logged (a secret, a personal value), and under which name to report it. */
export interface LoggedValue {
  readonly name: string;
  readonly value: string;
}

/** Lines that carry values of one name. */
export interface LogHit {
  readonly name: string;
  readonly lines: number;
}

export interface LogScan {
  readonly linesSearched: number;
  readonly valuesSearched: number;
  readonly hits: readonly LogHit[];
}

const EMPLOYER_ID = /"employerId":"([^"]+)"/g;

/**
 * Every secret value a run used: the five secrets, the key inside the `whsec_` ones, and each employer's
 * derived signing secret (and its key) for every employer the logs mention.
 */
export const secretValuesOf = (
  secrets: Readonly<Record<SecretName, string>>,
  lines: readonly string[],
): LoggedValue[] => {
  const employers = new Set<string>();
  for (const line of lines) for (const match of line.matchAll(EMPLOYER_ID)) employers.add(match[1]!);
  const values: LoggedValue[] = [];
  const add = (name: string, value: string) => {
    values.push({ name, value });
    if (value.startsWith('whsec_'))
      values.push({ name: `${name} (key)`, value: value.slice('whsec_'.length) });
  };
  for (const [name, value] of Object.entries(secrets)) add(name, value);
  for (const employerId of employers) {
    add(`signing secret of employer ${employerId}`, employerSecret(secrets.EMPLOYER_SIGNING_KEY, employerId));
  }
  return values;
};

/**
 * Searches every line for every value (plain, and as JSON would escape it); the hits are counted by name, lines
 * carrying several values of one name once. The whole log is searched once per form and only a form found in it
 * is looked for line by line, so thousands of values over a run's hundreds of thousands of lines stay quick.
 */
export const scanLogs = (lines: readonly string[], values: readonly LoggedValue[]): LogScan => {
  const text = lines.join('\n');
  const hitLines = new Map<string, Set<number>>();
  for (const { name, value } of values) {
    const forms = [...new Set([value, JSON.stringify(value).slice(1, -1)])].filter((form) =>
      text.includes(form),
    );
    if (forms.length === 0) continue;
    const found = hitLines.get(name) ?? new Set<number>();
    lines.forEach((line, index) => {
      if (forms.some((form) => line.includes(form))) found.add(index);
    });
    if (found.size > 0) hitLines.set(name, found);
  }
  return {
    linesSearched: lines.length,
    valuesSearched: values.length,
    hits: [...hitLines].map(([name, found]) => ({ name, lines: found.size })),
  };
};
