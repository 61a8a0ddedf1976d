import type { JsonObject } from '#shared/json.ts';

/** An event as EventBridge delivers it to targets and matches it against patterns. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** RFC 3339 to the second, as EventBridge writes it. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: JsonObject;
}

export const eventTime = (instant: Date): string => `${instant.toISOString().slice(0, 19)}Z`;

/** How long a rule keeps trying to deliver an event to a target, and where it sends the event then. */
export interface RetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
}

/** EventBridge's defaults: 185 retries within 24 hours. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maximumRetryAttempts: 185,
  maximumEventAgeSeconds: 86_400,
};

export interface RuleTarget {
  readonly id: string;
  readonly arn: string;
  readonly retryPolicy: RetryPolicy;
  readonly deadLetterArn?: string;
  /** A constant input instead of the event (Input). */
  readonly input?: string;
  /** A part of the event instead of all of it (InputPath, `$.detail` style). */
  readonly inputPath?: string;
  /** The role EventBridge delivers as (a bus target's RoleArn). */
  readonly roleArn?: string;
}

export interface EventRule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly enabled: boolean;
  /** Event-pattern rules match; schedule rules fire on their own. */
  readonly matches?: (event: BusEvent) => boolean;
  readonly scheduleExpression?: string;
  readonly targets: readonly RuleTarget[];
}
