import { Authorizer } from '../iam/authorizer.ts';
import { CredentialRegistry, type SessionCredentials } from '../iam/credentials.ts';
import type { AuthorizationRequest } from '../iam/evaluation.ts';
import { type PolicyModel, policyModelOf } from '../iam/policy-model.ts';
import { IamRefusals } from '../iam/refusals.ts';
import { RequestGuard } from '../iam/request-guard.ts';
import type { AthenaCatalog } from '../iam/requests/athena-requests.ts';
import { tableKeysOf } from '../iam/requests/dynamodb-requests.ts';
import { authorizeDelivery, type DeliveryDecision } from '../iam/service-deliveries.ts';
import { SecretStore } from '../secrets-manager/secret-store.ts';
import type { StackParts } from './stack-parts.ts';

export interface IamInput extends Pick<StackParts, 'resources' | 'log' | 'warn'> {
  /**
   * Enforce IAM. Only the bench turns it off, to measure what enforcement costs; `npm start` and the tests
   * always enforce.
   */
  readonly enforce: boolean;
  /** The local Athena, whose calls the guard checks against its workgroups, tables and executions. */
  readonly athena?: AthenaCatalog;
}

/**
 * IAM as the local account runs it: the templates' policies, each function role's credentials, the guard in
 * front of every local AWS endpoint, the checks of service-to-service deliveries, and the refusals.
 */
export interface LocalIam {
  readonly enforcing: boolean;
  /** Undefined when enforcement is off: every call goes through. */
  readonly guard: RequestGuard | undefined;
  /** The local Secrets Manager's secrets: the guard resolves SecretIds as the store does. */
  readonly secrets: SecretStore;
  readonly refusals: IamRefusals;
  /** The policies in force. */
  model(): PolicyModel;
  /** Decides with other policies from now on (a grant removed from a template, in-process). */
  reload(model: PolicyModel): void;
  /** The credentials a function's environments get: its execution role, a session named after it. */
  credentialsOf(functionName: string): SessionCredentials | undefined;
  /**
   * A delivery one service makes to another (a rule to its queue, an alarm to its topic…): allowed, or refused,
   * recorded and printed. `what` names the delivery and what becomes of it when refused, e.g.
   * `rule reelhire-dev-VideoEvents → arn:…:VideoEventsQueue (dead-lettered)`.
   */
  authorizeDelivery(checks: readonly AuthorizationRequest[], what: string): Promise<DeliveryDecision>;
}

const ALLOWED: DeliveryDecision = { allowed: true };

export const startIam = (input: IamInput): LocalIam => {
  let model = policyModelOf(input.resources);
  for (const warning of model.warnings) input.warn(warning);
  const authorizer = new Authorizer(model);
  const credentials = new CredentialRegistry();
  const secrets = new SecretStore();
  const refusals = new IamRefusals(input.log);
  const guard = input.enforce
    ? new RequestGuard({
        authorizer,
        credentials,
        secretArnOf: (secretId) => secrets.find(secretId)?.arn,
        tableKeys: tableKeysOf(input.resources),
        ...(input.athena ? { athena: input.athena } : {}),
        onRefusal: (call) => refusals.record(call),
      })
    : undefined;
  const rolesByArn = new Map(model.roles.map((role) => [role.arn, role]));

  return {
    enforcing: input.enforce,
    guard,
    secrets,
    refusals,
    model: () => model,
    reload(next) {
      model = next;
      authorizer.reload(next);
    },
    credentialsOf(functionName) {
      const roleArn = model.functionRoles.get(functionName);
      const role = roleArn === undefined ? undefined : rolesByArn.get(roleArn);
      if (!roleArn || !role) return undefined;
      return credentials.issue({ roleLogicalId: role.logicalId, roleArn, sessionName: functionName });
    },
    async authorizeDelivery(checks, what) {
      if (!input.enforce) return ALLOWED;
      const decision = await authorizeDelivery(authorizer, checks);
      if (!decision.allowed) {
        refusals.record({
          principalArn: decision.refusal.principalArn,
          action: decision.check.action,
          resource: decision.check.resource,
          reason: decision.reason,
          delivery: what,
        });
      }
      return decision;
    },
  };
};
