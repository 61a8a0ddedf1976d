import type { ActivityLog, InvocationTrigger } from '../activity-log.ts';
import { BackgroundWork } from '../background-work.ts';
import type { MessageAttributeValue } from '../sqs/message-digest.ts';
import { FunctionStoppedError, type InvocationResult, type LocalFunction } from './local-function.ts';

/** A function's asynchronous invocation settings (EventInvokeConfig and DeadLetterConfig). */
export interface AsyncInvokeConfig {
  /** 0 to 2; Lambda's default is 2. */
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  /** An SQS on-failure destination: receives an invocation record. */
  readonly onFailureArn?: string;
  /** The function's dead-letter queue: receives the event itself. */
  readonly deadLetterArn?: string;
}

export const DEFAULT_ASYNC_CONFIG: AsyncInvokeConfig = {
  maximumRetryAttempts: 2,
  maximumEventAgeSeconds: 21_600,
};

/** Lambda waits about a minute, then two, between the attempts of a failing asynchronous invocation. */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

export interface AsyncInvokerPorts {
  readonly functionNamed: (name: string) => LocalFunction | undefined;
  readonly configOf: (functionName: string) => AsyncInvokeConfig;
  /** Sends to an SQS queue; false when no such queue exists. */
  readonly sendToQueue: (
    queueArn: string,
    body: string,
    attributes?: Record<string, MessageAttributeValue>,
  ) => boolean;
  /**
   * Whether Lambda may send a failed event to a destination with the function's role (its on-failure
   * destination or dead-letter queue); a refused one is dropped. @default always
   */
  readonly mayDeliver?: (functionName: string, targetArn: string) => Promise<boolean>;
  readonly activity: ActivityLog;
  readonly retryDelaysMs?: readonly number[];
  /** Wait before the n-th retry of a throttled event. @default Lambda's: from 1 s, doubling, at most 5 minutes */
  readonly throttleBackoffMs?: (retry: number) => number;
}

const LAMBDA_THROTTLE_BACKOFF = (retry: number): number => Math.min(1000 * 2 ** (retry - 1), 300_000);

/**
 * Lambda's asynchronous invocation (what EventBridge targets use): accepted at once, run in the background,
 * retried after a function error, and after the last attempt sent to the on-failure destination (an
 * invocation record) or else the function's dead-letter queue (the event, with RequestID/ErrorCode/ErrorMessage).
 * A throttled event (reserved concurrency in use) goes back to Lambda's queue and is tried again with growing
 * waits until its maximum age, without using up an attempt.
 */
export class AsyncInvoker {
  private readonly invocations = new BackgroundWork();

  constructor(private readonly ports: AsyncInvokerPorts) {}

  /** Queues an invocation; false when there is no such function (the Invoke API's ResourceNotFound). */
  invoke(functionName: string, payload: unknown, trigger: InvocationTrigger): boolean {
    const fn = this.ports.functionNamed(functionName);
    if (!fn) return false;
    this.attempt(fn, payload, trigger, Date.now(), 1);
    return true;
  }

  stop(): Promise<void> {
    return this.invocations.stop();
  }

  private attempt(
    fn: LocalFunction,
    payload: unknown,
    trigger: InvocationTrigger,
    queuedAt: number,
    attempt: number,
    throttles = 0,
  ): void {
    this.invocations.run(() =>
      fn
        .invoke(payload, trigger)
        .then(async (result) => {
          if (result.ok) return;
          if (result.outcome === 'throttled') {
            const delay = (this.ports.throttleBackoffMs ?? LAMBDA_THROTTLE_BACKOFF)(throttles + 1);
            const maximumAgeMs = this.ports.configOf(fn.name).maximumEventAgeSeconds * 1000;
            if (Date.now() + delay - queuedAt <= maximumAgeMs && !this.invocations.stopped) {
              this.invocations.later(delay, () =>
                this.attempt(fn, payload, trigger, queuedAt, attempt, throttles + 1),
              );
              return;
            }
          }
          await this.failed(fn, payload, trigger, queuedAt, attempt, result);
        })
        .catch((error: unknown) => {
          // A stopped function means the stack is stopping: nothing is left to retry.
          if (error instanceof FunctionStoppedError) return;
          this.ports.activity.deliveryFailure({
            source: `async invoke (${trigger})`,
            target: fn.definition.arn,
            error: error instanceof Error ? error.message : String(error),
          });
        }),
    );
  }

  private async failed(
    fn: LocalFunction,
    payload: unknown,
    trigger: InvocationTrigger,
    queuedAt: number,
    attempt: number,
    result: Extract<InvocationResult, { ok: false }>,
  ): Promise<void> {
    // An invocation cut short by the stack stopping is not a failure of the function.
    if (this.invocations.stopped) return;
    const config = this.ports.configOf(fn.name);
    const delays = this.ports.retryDelaysMs ?? LAMBDA_RETRY_DELAYS_MS;
    const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
    const throttled = result.outcome === 'throttled';
    const ageExceeded = throttled || Date.now() + delay - queuedAt > config.maximumEventAgeSeconds * 1000;
    if (attempt <= config.maximumRetryAttempts && !ageExceeded) {
      this.invocations.later(delay, () => this.attempt(fn, payload, trigger, queuedAt, attempt + 1));
      return;
    }
    const errorText = `${result.error.errorType}: ${result.error.errorMessage}`;
    let deadLetterQueue: string | undefined;
    const destination = config.onFailureArn ?? config.deadLetterArn;
    const mayDeliver =
      destination === undefined || (await (this.ports.mayDeliver?.(fn.name, destination) ?? true));
    // Refused to the function's role, the event is dropped (IAM prints and counts the refusal).
    if (mayDeliver && config.onFailureArn !== undefined) {
      const record = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: result.requestId,
          functionArn: `${fn.definition.arn}:$LATEST`,
          condition: ageExceeded ? 'EventAgeExceeded' : 'RetriesExhausted',
          approximateInvokeCount: attempt,
        },
        requestPayload: payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: result.error,
      };
      if (this.ports.sendToQueue(config.onFailureArn, JSON.stringify(record)))
        deadLetterQueue = config.onFailureArn;
    } else if (mayDeliver && config.deadLetterArn !== undefined) {
      const sent = this.ports.sendToQueue(config.deadLetterArn, JSON.stringify(payload), {
        RequestID: { DataType: 'String', StringValue: result.requestId },
        ErrorCode: { DataType: 'Number', StringValue: '200' },
        ErrorMessage: { DataType: 'String', StringValue: errorText.slice(0, 4000) },
      });
      if (sent) deadLetterQueue = config.deadLetterArn;
    }
    this.ports.activity.deliveryFailure({
      source: `async invoke (${trigger})`,
      target: fn.definition.arn,
      error: `after ${attempt} attempts: ${errorText}`,
      ...(deadLetterQueue ? { deadLetterQueue } : {}),
    });
  }
}
