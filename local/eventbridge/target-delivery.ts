import type { InvocationTrigger } from '../activity-log.ts';
import type { AsyncInvoker } from '../lambda/async-invoker.ts';
import { functionNameOf } from '../local-account.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import { SqsError } from '../sqs/sqs-error.ts';
import type { BusEvent, EventRule, RuleTarget } from './bus-event.ts';
import type { LocalEventBuses } from './local-event-bus.ts';
import { busNameOf } from './put-events-request.ts';
import { DeliveryError } from './target-dispatcher.ts';

export interface TargetServices {
  readonly queues: QueueRegistry;
  readonly invoker: AsyncInvoker;
  /** Asked at delivery time: the buses are built after the dispatcher that delivers to them. */
  readonly buses: () => LocalEventBuses | undefined;
  /** Why IAM refuses the rule this delivery (a DeliveryError), or undefined when it allows it. */
  readonly authorize: (rule: EventRule, target: RuleTarget) => Promise<DeliveryError | undefined>;
}

/**
 * Hands a rule's payload to its target by the target ARN's service, once IAM allows it: SendMessage to a queue,
 * an asynchronous invoke of a function (Lambda then retries and dead-letters on its own), or PutEvents to
 * another bus. What can never succeed (refused, no such queue or function, a message SQS refuses) is not
 * retried: EventBridge sends it to the dead-letter queue at once.
 */
export const deliverToTarget =
  (services: TargetServices) =>
  async (rule: EventRule, target: RuleTarget, payload: string): Promise<void> => {
    const refused = await services.authorize(rule, target);
    if (refused) throw refused;
    const { arn } = target;
    const service = arn.split(':')[2];
    if (service === 'sqs') {
      const queue = services.queues.byArn(arn);
      if (!queue) throw new DeliveryError('RESOURCE_NOT_FOUND', `queue ${arn} does not exist`, false);
      try {
        queue.send({ body: payload });
      } catch (error) {
        if (error instanceof SqsError) throw new DeliveryError(error.code, error.message, false);
        throw error;
      }
      return;
    }
    if (service === 'lambda') {
      const event = JSON.parse(payload) as { source?: unknown };
      const trigger: InvocationTrigger = event.source === 'aws.events' ? 'schedule' : 'event';
      if (!services.invoker.invoke(functionNameOf(arn), event, trigger)) {
        throw new DeliveryError('RESOURCE_NOT_FOUND', `function ${arn} does not exist`, false);
      }
      return;
    }
    const buses = services.buses();
    if (service === 'events' && buses) {
      buses.publish(JSON.parse(payload) as BusEvent, busNameOf(arn));
      return;
    }
    throw new DeliveryError(
      'UNSUPPORTED_TARGET',
      `${arn} is not a target the local runtime delivers to`,
      false,
    );
  };
