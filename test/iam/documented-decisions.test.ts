import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Authorizer } from '../../local/iam/authorizer.ts';
import type { Principal } from '../../local/iam/principal.ts';
import { modelOf } from './models.ts';

// IAM decisions transcribed from AWS's documentation (facts: policies, request, documented outcome), run through
// the local authorizer. Each case names the page it comes from.

const policy = z.record(z.string(), z.unknown());
const documentedCase = z.object({
  id: z.string(),
  source: z.string().url(),
  note: z.string().optional(),
  principal: z.union([
    z.object({ iam: z.string() }),
    z.object({ service: z.string() }),
    z.object({ roleSession: z.object({ roleArn: z.string(), sessionName: z.string() }) }),
  ]),
  identityPolicies: z.array(policy).optional(),
  boundary: policy.optional(),
  resourcePolicy: policy.optional(),
  action: z.string(),
  resource: z.string(),
  context: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  expected: z.enum(['allowed', 'explicit-deny', 'implicit-deny']),
  policyType: z.enum(['identity', 'resource', 'permissions-boundary']).optional(),
});
type DocumentedCase = z.infer<typeof documentedCase>;

const { cases } = z
  .object({ cases: z.array(documentedCase) })
  .parse(
    JSON.parse(readFileSync(new URL('./fixtures/aws-documented-decisions.json', import.meta.url), 'utf8')),
  );

const principalOf = (given: DocumentedCase['principal']): Principal =>
  'iam' in given
    ? { kind: 'iam', arn: given.iam }
    : 'service' in given
      ? { kind: 'service', service: given.service }
      : { kind: 'role-session', ...given.roleSession };

/** The identity whose policies apply: the user or role itself, or the role of a session. */
const identityArnOf = (given: DocumentedCase['principal']): string | undefined =>
  'iam' in given ? given.iam : 'roleSession' in given ? given.roleSession.roleArn : undefined;

describe('IAM decisions documented by AWS', () => {
  it('has at least 30 cases, each with a distinct id', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((item) => item.id)).size).toBe(cases.length);
  });

  it.each(cases.map((item) => [item.id, item] as const))('%s', async (_id, item) => {
    const identity = identityArnOf(item.principal);
    const authorizer = new Authorizer(
      modelOf({
        identities: identity && item.identityPolicies ? { [identity]: item.identityPolicies } : {},
        boundaries: identity && item.boundary ? { [identity]: item.boundary } : {},
        resourcePolicies: item.resourcePolicy ? { [item.resource]: item.resourcePolicy } : {},
      }),
    );
    const result = await authorizer.authorize({
      principal: principalOf(item.principal),
      action: item.action,
      resource: item.resource,
      ...(item.context ? { context: item.context } : {}),
    });
    if (item.expected === 'allowed') {
      expect(result).toEqual({ allowed: true });
      return;
    }
    expect(result.allowed).toBe(false);
    if (result.allowed) return;
    expect(result.refusal.kind).toBe(item.expected);
    expect(result.refusal.policyType).toBe(item.policyType);
  });
});
