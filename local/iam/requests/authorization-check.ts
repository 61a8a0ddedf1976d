import type { RequestContext } from '../evaluation.ts';

/** One IAM check an API call needs: what AWS authorizes before it does the work. */
export interface AuthorizationCheck {
  /** `service:Action` as IAM names it (SQS's SendMessageBatch is `sqs:SendMessage`). */
  readonly action: string;
  /** The resource ARN, or `*`. */
  readonly resource: string;
  /** The service-specific condition keys of the request (dynamodb:LeadingKeys, events:source…). */
  readonly context?: RequestContext;
  /** What the service names in its AccessDenied message when it is not the ARN (Secrets Manager: the SecretId). */
  readonly resourceInMessage?: string;
}

/** The checks of a call, or why local mode cannot tell which IAM action it needs. */
export type CallChecks = { readonly checks: readonly AuthorizationCheck[] } | { readonly unmapped: string };

/** Drops repeated checks (a batch touching one table many times needs one decision per distinct check). */
export const distinctChecks = (checks: readonly AuthorizationCheck[]): AuthorizationCheck[] => {
  const seen = new Map<string, AuthorizationCheck>();
  for (const check of checks)
    seen.set(JSON.stringify([check.action, check.resource, check.context ?? {}]), check);
  return [...seen.values()];
};
