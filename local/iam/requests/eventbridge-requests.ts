import { busNameOf } from '../../eventbridge/put-events-request.ts';
import { arrayField, isJsonObject, type JsonObject, stringField } from '../../json.ts';
import { localArn } from '../../local-account.ts';
import { type AuthorizationCheck, type CallChecks, distinctChecks } from './authorization-check.ts';

/**
 * The IAM checks of an EventBridge call (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`). PutEvents is
 * authorized per entry, on the entry's bus (a name or an ARN; the account's `default` bus when absent), with
 * the entry's `events:source` and `events:detail-type` as condition keys; rule operations on the rule's ARN.
 */

export const busArnOf = (nameOrArn: string | undefined): string =>
  nameOrArn?.startsWith('arn:') ? nameOrArn : localArn('events', `event-bus/${busNameOf(nameOrArn)}`);

/** A rule's ARN: `rule/<name>` on the default bus, `rule/<bus>/<name>` on a custom one. */
export const ruleArnOf = (ruleName: string, busNameOrArn: string | undefined): string => {
  if (ruleName.startsWith('arn:')) return ruleName;
  const bus = busNameOf(busNameOrArn);
  return localArn('events', bus === 'default' ? `rule/${ruleName}` : `rule/${bus}/${ruleName}`);
};

const RULE_OPERATIONS = new Set([
  'PutRule',
  'DeleteRule',
  'DescribeRule',
  'EnableRule',
  'DisableRule',
  'PutTargets',
  'RemoveTargets',
  'ListTargetsByRule',
]);
const BUS_OPERATIONS = new Set(['DescribeEventBus', 'DeleteEventBus', 'CreateEventBus', 'UpdateEventBus']);
const ACCOUNT_OPERATIONS = new Set([
  'ListRules',
  'ListEventBuses',
  'ListRuleNamesByTarget',
  'TestEventPattern',
]);

export const eventBridgeChecks = (operation: string, input: JsonObject): CallChecks => {
  const action = `events:${operation}`;
  if (operation === 'PutEvents') {
    const checks = arrayField(input, 'Entries')
      .filter(isJsonObject)
      .map(
        (entry): AuthorizationCheck => ({
          action,
          resource: busArnOf(stringField(entry, 'EventBusName')),
          context: {
            'events:source': [stringField(entry, 'Source') ?? ''],
            'events:detail-type': [stringField(entry, 'DetailType') ?? ''],
          },
        }),
      );
    return { checks: distinctChecks(checks) };
  }
  if (RULE_OPERATIONS.has(operation)) {
    const rule = stringField(input, operation === 'PutRule' ? 'Name' : 'Rule') ?? stringField(input, 'Name');
    if (!rule) return { unmapped: `no rule named in ${operation}` };
    return { checks: [{ action, resource: ruleArnOf(rule, stringField(input, 'EventBusName')) }] };
  }
  if (BUS_OPERATIONS.has(operation))
    return { checks: [{ action, resource: busArnOf(stringField(input, 'Name')) }] };
  if (ACCOUNT_OPERATIONS.has(operation)) return { checks: [{ action, resource: '*' }] };
  return { unmapped: `${operation} is not authorized locally` };
};
