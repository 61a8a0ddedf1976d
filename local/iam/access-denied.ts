/**
 * Why IAM refused a request, and the sentence AWS services answer with (IAM User Guide, "Troubleshoot access
 * denied error messages"): `User: <principal> is not authorized to perform: <action> on resource: <resource>`
 * followed by `because no <policy type> allows the <action> action` (nothing allowed it) or `with an explicit
 * deny in <policy type>` (a Deny statement matched).
 */
export interface Refusal {
  readonly kind: 'explicit-deny' | 'implicit-deny' | 'not-evaluated';
  /** The policy that refused. */
  readonly policyType: 'identity' | 'resource' | 'permissions-boundary';
  /** The caller as AWS names it (`arn:aws:sts::…:assumed-role/<role>/<session>`, a service principal…). */
  readonly principalArn: string;
  /** Only for `not-evaluated`: why the local evaluator could not decide. */
  readonly detail?: string;
}

const IMPLICIT: Record<Refusal['policyType'], string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  'permissions-boundary': 'permissions boundary',
};

const EXPLICIT: Record<Refusal['policyType'], string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  'permissions-boundary': 'a permissions boundary',
};

/**
 * AWS's message for a refusal. `resource` is what the service names (most services the ARN; Secrets Manager the
 * SecretId as given; CloudWatch, whose actions have no resource-level permissions, none: undefined); `action` as
 * the service prints it (SQS prints it lower-cased).
 */
export const accessDeniedMessage = (
  refusal: Refusal,
  action: string,
  resource: string | undefined,
): string => {
  const head = `User: ${refusal.principalArn} is not authorized to perform: ${action}${resource === undefined ? '' : ` on resource: ${resource}`}`;
  switch (refusal.kind) {
    case 'explicit-deny':
      return `${head} with an explicit deny in ${EXPLICIT[refusal.policyType]}`;
    case 'implicit-deny':
      return `${head} because no ${IMPLICIT[refusal.policyType]} allows the ${action} action`;
    case 'not-evaluated':
      return `${head} because local mode could not evaluate the request (${refusal.detail ?? 'unknown reason'})`;
  }
};
