import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { secretValues } from '#shared/aws/secrets.ts';
import { requireEnv } from '#shared/config.ts';
import { count } from '#shared/observability.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { createWebhookHandler } from '#webhooks/webhooks-handler.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { WebSubVerification } from '#websub/verification.ts';

// Created once per container; a missing variable fails the cold start, not the first request.
const tableName = requireEnv('TABLE_NAME');
const documents = documentClient();

/** POST /webhooks/{tiktok,youtube,contra} and the WebSub verification GET /webhooks/youtube. */
export const handler = createWebhookHandler({
  publisher: busPublisher(),
  deliveries: new DynamoDeliveryLedger(documents, tableName),
  secrets: secretValues,
  clock: () => new Date(),
  count,
  subscriptions: new WebSubVerification(
    new DynamoChannelSubscriptions(documents, tableName),
    REQUESTED_LEASE_SECONDS,
  ),
});
