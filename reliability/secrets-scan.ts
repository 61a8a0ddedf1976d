import { employerSecret } from '#notify/employer-secret.ts';
import type { SecretName } from '#shared/secret-names.ts';

/** A secret value to look for, and under which name to report it. */
export interface SecretValue {
  readonly name: string;
  readonly value: string;
}

export interface SecretHit {
  readonly name: string;
  readonly lines: number;
}

export interface SecretsScan {
  readonly linesSearched: number;
  readonly valuesSearched: number;
  readonly hits: readonly SecretHit[];
}

const EMPLOYER_ID = /"employerId":"([^"]+)"/g;

/**
 * Every secret value a run used: the five secrets, the key inside the `whsec_` ones, and each employer's
 * derived signing secret (and its key) for every employer the logs mention.
 */
export const secretValuesOf = (
  secrets: Readonly<Record<SecretName, string>>,
  lines: readonly string[],
): SecretValue[] => {
  const employers = new Set<string>();
  for (const line of lines) for (const match of line.matchAll(EMPLOYER_ID)) employers.add(match[1]!);
  const values: SecretValue[] = [];
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

/** Searches every line for every value (plain, and as JSON would escape it). */
export const scanForSecrets = (lines: readonly string[], values: readonly SecretValue[]): SecretsScan => {
  const hits: SecretHit[] = [];
  for (const { name, value } of values) {
    const forms = [...new Set([value, JSON.stringify(value).slice(1, -1)])];
    const count = lines.filter((line) => forms.some((form) => line.includes(form))).length;
    if (count > 0) hits.push({ name, lines: count });
  }
  return { linesSearched: lines.length, valuesSearched: values.length, hits };
};
