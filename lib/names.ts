import { funnelStreamNames } from '#funnel/funnel-streams.ts';
import type { Stage } from './config.ts';
import type { FunctionName } from './functions.ts';
import { FUNNEL_STREAMS } from './funnel-capacity.ts';

/**
 * Names and CloudFormation logical ids, all derived from the routing names. The local runtime and the tests
 * find a function, queue, rule or route in the synthesized template by these ids, so they must not depend on
 * construct paths (whose hashes change when code moves).
 */

export const STACK_KINDS = ['stateful', 'stateless'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** Construct id (and, without an explicit stackName, CloudFormation name) of a stack. */
export const stackIdOf = (stage: string, kind: StackKind): string =>
  `ReelHire-${stage}-${kind === 'stateful' ? 'Stateful' : 'Stateless'}`;

export const busNameOf = (stage: string): string => `reelhire-${stage}`;

/** The funnel log's Firehose delivery stream: fixed, so functions are granted it without a cross-stack reference. */
export const funnelStreamNameOf = (stage: string): string => `reelhire-${stage}-funnel`;
/** Every delivery stream of the stage's funnel log: the first is funnelStreamNameOf(stage). */
export const funnelStreamNamesOf = (stage: Stage): [string, ...string[]] =>
  funnelStreamNames(funnelStreamNameOf(stage), FUNNEL_STREAMS[stage]);

/** The funnel's Athena workgroup, Glue database and table: fixed names, granted without references. */
export const funnelWorkGroupNameOf = (stage: string): string => `reelhire-${stage}-funnel`;
export const funnelDatabaseNameOf = (stage: string): string =>
  `reelhire_${stage.replaceAll('-', '_')}_funnel`;
export const FUNNEL_TABLE_NAME = 'funnel_log';
/** The funnel log's bucket: named (globally unique by account and region) so it is granted without a reference. */
export const funnelBucketNameOf = (stage: string, account: string, region: string): string =>
  `reelhire-${stage}-funnel-${account}-${region}`;

/** Route id of the rule on the default bus that forwards to ReelHire's bus (config.forwardDefaultBus). */
export const DEFAULT_BUS_FORWARD = 'DefaultBusForward';

/**
 * Rule names are fixed so that the dead-letter queues (in the stateful stack) can trust exactly these rules
 * without a reference back into the stateless stack, which would make the two stacks depend on each other.
 */
export const ruleNameOf = (stage: string, routeId: string): string => `reelhire-${stage}-${routeId}`;

const pascal = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

export const logicalIds = {
  table: 'Table',
  eventBus: 'EventBus',
  schemaRegistry: 'EventSchemaRegistry',
  /** An event's schema in the registry (`video-posted` → `VideoPostedEventSchema`). */
  eventSchema: (eventName: string): string => `${pascal(eventName)}EventSchema`,
  function: (name: FunctionName | string): string => `${pascal(name)}Function`,
  functionRole: (name: FunctionName | string): string => `${pascal(name)}FunctionRole`,
  functionLogGroup: (name: FunctionName | string): string => `${pascal(name)}LogGroup`,
  /** An event route's queue, its rule, its event source mapping and its dead-letter queue. */
  queue: (routeId: string): string => `${pascal(routeId)}Queue`,
  rule: (routeId: string): string => `${pascal(routeId)}Rule`,
  eventSourceMapping: (routeId: string): string => `${pascal(routeId)}EventSourceMapping`,
  deadLetterQueue: (routeId: string): string => `${pascal(routeId)}DeadLetterQueue`,
  /** `GET /links/{platform}/{videoId}` → `RouteGetLinksPlatformVideoId`. */
  route: (routeKey: string): string => {
    const [method = '', path = ''] = routeKey.split(' ');
    return `Route${pascal(method.toLowerCase())}${pascal(path)}`;
  },
} as const;
