import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import {
  type BusEvent,
  type ConsumerContext,
  PoisonMessageError,
  sqsConsumer,
} from '#shared/sqs-consumer.ts';
import { deliverNotification, type NotifierDependencies } from './deliver-notification.ts';

/** The notifier's SQS handler: one Application Submitted per message, delivered to the employer. */
const notifyEmployer =
  (deps: NotifierDependencies) =>
  async (event: BusEvent, { record, attempt }: ConsumerContext): Promise<void> => {
    if (event['detail-type'] !== EVENTS.applicationSubmitted.detailType) {
      throw new PoisonMessageError(`the notifier does not handle ${event['detail-type']}`);
    }
    const application = parseDetail('applicationSubmitted', event.detail);
    await deliverNotification(application, { attempt, receiptHandle: record.receiptHandle }, deps);
  };

export const createNotifierHandler = (deps: NotifierDependencies) => sqsConsumer(notifyEmployer(deps));
