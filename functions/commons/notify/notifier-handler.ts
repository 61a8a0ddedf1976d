import { parseDetail } from '#events/parse.ts';
import {
  type BusEvent,
  type ConsumerContext,
  PoisonMessageError,
  sqsConsumer,
} from '#shared/sqs-consumer.ts';
import { deliverNotification, type NotifierDependencies } from './deliver-notification.ts';
import { kindDefinition, kindOfTrigger } from './notification.ts';

/**
 * The notifier's SQS handler: one notification per message, asked for by Application Submitted
 * (application.received) or Application Withdrawn (application.withdrawn). The detail must fit its schema
 * (else it is dead-lettered with the reason); everything else is read from the application record.
 */
const notifyEmployer =
  (deps: NotifierDependencies) =>
  async (event: BusEvent, { record, attempt }: ConsumerContext): Promise<void> => {
    const kind = kindOfTrigger(event['detail-type']);
    if (kind === undefined) {
      throw new PoisonMessageError(`the notifier does not handle ${event['detail-type']}`);
    }
    const { applicationId } = parseDetail(kindDefinition(kind).trigger, event.detail);
    await deliverNotification(
      { kind, applicationId, body: record.body, attempt, receiptHandle: record.receiptHandle },
      deps,
    );
  };

export const createNotifierHandler = (deps: NotifierDependencies) => sqsConsumer(notifyEmployer(deps));
