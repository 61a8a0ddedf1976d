import type { ActivityLog } from '../activity-log.ts';
import { BackgroundWork } from '../background-work.ts';
import type { MessageAttributeValue } from '../sqs/message-digest.ts';
import type { BusEvent, EventRule, RuleTarget } from './bus-event.ts';

/** A delivery that failed; `retriable: false` sends the event to the dead-letter queue at once. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly code: string,
    message: string,
    readonly retriable = true,
  ) {
    super(message);
  }
}

export interface DispatcherPorts {
  /** Hands the payload to the rule's target (a queue, a function's async invoke, a bus). */
  readonly deliver: (rule: EventRule, target: RuleTarget, payload: string) => Promise<void>;
  /** Sends to the target's dead-letter queue for the rule; false when it could not (no such queue, refused). */
  readonly deadLetter: (
    rule: EventRule,
    queueArn: string,
    body: string,
    attributes: Record<string, MessageAttributeValue>,
  ) => Promise<boolean>;
  readonly activity: ActivityLog;
  /** Delay before retry n (1-based). @default exponential from 1 s, at most 3 minutes */
  readonly backoffMs?: (retry: number) => number;
}

const defaultBackoff = (retry: number): number => Math.min(1000 * 2 ** (retry - 1), 180_000);

const valueAt = (event: unknown, path: string): unknown =>
  path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (value, key) =>
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
      event,
    );

/** What a target receives: the event itself, a constant Input, or the part of the event at InputPath. */
export const payloadFor = (target: RuleTarget, event: BusEvent): string => {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(valueAt(event, target.inputPath) ?? null);
  return JSON.stringify(event);
};

/**
 * Delivers matched events to rule targets with the target's retry policy (exponential backoff, at most
 * MaximumRetryAttempts retries within MaximumEventAgeInSeconds) and then its dead-letter queue, with the
 * attributes EventBridge sets there (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE).
 */
export class TargetDispatcher {
  private readonly deliveries = new BackgroundWork();

  constructor(private readonly ports: DispatcherPorts) {}

  dispatch(rule: EventRule, target: RuleTarget, event: BusEvent): void {
    const payload = payloadFor(target, event);
    this.attempt(rule, target, payload, Date.now(), 0);
  }

  /** Stops retrying and waits for deliveries under way. */
  stop(): Promise<void> {
    return this.deliveries.stop();
  }

  private attempt(
    rule: EventRule,
    target: RuleTarget,
    payload: string,
    firstAttemptAt: number,
    retries: number,
  ): void {
    this.deliveries.run(() =>
      this.ports
        .deliver(rule, target, payload)
        .catch((error: unknown) => this.failed(rule, target, payload, firstAttemptAt, retries, error)),
    );
  }

  private async failed(
    rule: EventRule,
    target: RuleTarget,
    payload: string,
    firstAttemptAt: number,
    retries: number,
    error: unknown,
  ): Promise<void> {
    if (this.deliveries.stopped) return;
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError('SDK_CLIENT_ERROR', error instanceof Error ? error.message : String(error));
    const { retryPolicy } = target;
    const delay = (this.ports.backoffMs ?? defaultBackoff)(retries + 1);
    const withinAge = Date.now() + delay - firstAttemptAt <= retryPolicy.maximumEventAgeSeconds * 1000;
    if (failure.retriable && retries < retryPolicy.maximumRetryAttempts && withinAge) {
      this.deliveries.later(delay, () => this.attempt(rule, target, payload, firstAttemptAt, retries + 1));
      return;
    }
    const deadLettered =
      target.deadLetterArn !== undefined &&
      (await this.ports.deadLetter(rule, target.deadLetterArn, payload, {
        RULE_ARN: { DataType: 'String', StringValue: rule.arn },
        TARGET_ARN: { DataType: 'String', StringValue: target.arn },
        ERROR_CODE: { DataType: 'String', StringValue: failure.code },
        ERROR_MESSAGE: { DataType: 'String', StringValue: failure.message.slice(0, 4000) },
      }));
    this.ports.activity.deliveryFailure({
      source: rule.arn,
      target: target.arn,
      error: `${failure.code}: ${failure.message}`,
      ...(deadLettered ? { deadLetterQueue: target.deadLetterArn } : {}),
    });
  }
}
