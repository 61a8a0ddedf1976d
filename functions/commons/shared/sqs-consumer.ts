import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { EventSchemaError, isReelHireSource } from '#events/parse.ts';
import { sendToDeadLetterQueue } from './aws/dead-letter-queue.ts';
import { count, logger, metrics } from './observability.ts';

/** An EventBridge event as an EventBridge → SQS target delivers it in the message body. */
export const BusEvent = z.object({
  id: z.string(),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string().optional(),
  detail: z.unknown(),
});
export type BusEvent = z.infer<typeof BusEvent>;

/** An input that can never succeed (bad JSON, a detail that does not fit): dead-lettered at once, not retried. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export interface ConsumerContext {
  readonly record: SQSRecord;
  /** 1 on the first delivery. */
  readonly attempt: number;
}

export type BusEventHandler = (event: BusEvent, context: ConsumerContext) => Promise<void>;

const deadLetter = async (record: SQSRecord, reason: string, errorType: string): Promise<void> => {
  await sendToDeadLetterQueue(record, reason, errorType);
  count('EventsDeadLettered');
  logger.warn('event dead-lettered', { reason, errorType, messageId: record.messageId });
};

const parseBody = (record: SQSRecord): BusEvent => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError('message body is not JSON');
  }
  const parsed = BusEvent.safeParse(body);
  if (!parsed.success) throw new PoisonMessageError('message body is not an EventBridge event');
  if (!isReelHireSource(parsed.data.source)) {
    throw new PoisonMessageError(`source ${parsed.data.source} is not reelhire.*`);
  }
  return parsed.data;
};

/**
 * Builds an SQS-triggered handler with partial batch responses. Poison messages (schema errors) go to the
 * dead-letter queue at once with their reason; other failures are retried by SQS, and on the last allowed
 * receive (MAX_RECEIVE_COUNT) the message is dead-lettered by the handler with the error as its reason, so
 * every message in a DLQ says why it is there.
 */
export const sqsConsumer = (handle: BusEventHandler) => {
  const maxReceiveCount = Number(process.env.MAX_RECEIVE_COUNT ?? '5');
  const processor = new BatchProcessor(EventType.SQS);

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      const event = parseBody(record);
      logger.appendKeys({ correlationId: event.id, detailType: event['detail-type'] });
      await handle(event, { record, attempt });
      count('EventsProcessed');
    } catch (error) {
      const poison = error instanceof PoisonMessageError || error instanceof EventSchemaError;
      const message = error instanceof Error ? error.message : String(error);
      if (poison) {
        await deadLetter(record, message, error instanceof Error ? error.name : 'Error');
        return;
      }
      if (attempt >= maxReceiveCount) {
        await deadLetter(
          record,
          `gave up after ${attempt} attempts: ${message}`,
          (error as Error).name ?? 'Error',
        );
        return;
      }
      logger.warn('event failed, will be retried', { error: message, attempt });
      throw error;
    } finally {
      logger.removeKeys(['correlationId', 'detailType']);
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, recordHandler, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};
