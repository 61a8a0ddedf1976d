import { isJsonObject, type JsonObject, jsonObjectOf } from '../json.ts';

/** An IAM policy document (identity, resource, key or trust policy) as JSON, after intrinsics are resolved. */
export type PolicyDocument = JsonObject;

/** A policy attached to an identity, named as IAM names it (inline policy name or managed policy ARN). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** The statements of a document: CloudFormation and IAM accept one statement object or a list. */
export const statementsOf = (document: PolicyDocument): JsonObject[] => {
  const statement = document.Statement;
  if (Array.isArray(statement)) return statement.filter(isJsonObject);
  return isJsonObject(statement) ? [statement] : [];
};

/** A document built from statements, as IAM stores them. */
export const documentOf = (statements: readonly JsonObject[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [...statements],
});

/** Policies in templates may be given as JSON strings (e.g. a bus policy or a secret's resource policy). */
export const parsePolicy = (value: unknown): PolicyDocument | undefined => jsonObjectOf(value);

const VARIABLE = /\$\{([^}]+)\}/g;

const collectVariables = (value: unknown, keys: Set<string>): void => {
  if (typeof value === 'string') {
    for (const match of value.matchAll(VARIABLE)) keys.add(match[1]!.toLowerCase());
  } else if (Array.isArray(value)) {
    for (const item of value) collectVariables(item, keys);
  } else if (isJsonObject(value)) {
    for (const item of Object.values(value)) collectVariables(item, keys);
  }
};

const keysByDocument = new WeakMap<PolicyDocument, ReadonlySet<string>>();

/**
 * The request context keys a document can read, lower-cased (condition keys are case-insensitive): those of its
 * Condition blocks and those named by policy variables (`${aws:username}`). A decision depends on these keys
 * only, so they are what a decision cache must tell apart.
 */
export const contextKeysReadBy = (document: PolicyDocument): ReadonlySet<string> => {
  const known = keysByDocument.get(document);
  if (known) return known;
  const keys = new Set<string>();
  for (const statement of statementsOf(document)) {
    const condition = statement.Condition;
    if (isJsonObject(condition)) {
      for (const operands of Object.values(condition)) {
        if (isJsonObject(operands)) for (const key of Object.keys(operands)) keys.add(key.toLowerCase());
      }
    }
    collectVariables(statement, keys);
  }
  keysByDocument.set(document, keys);
  return keys;
};
