import type { Context } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { secretValues } from '#shared/aws/secrets.ts';
import { requireEnv } from '#shared/config.ts';
import {
  type HttpRequest,
  type HttpResponse,
  header,
  json,
  problem,
  rawBody,
  text,
  tooLarge,
} from '#shared/http.ts';
import { count, logger, metrics } from '#shared/observability.ts';
import type { WebhookOrigin } from '#webhooks/delivery-ledger.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { type IngestionPorts, type IngestResult, WebhookIngestion } from '#webhooks/ingestion.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import {
  type ChallengeAnswer,
  readChallenge,
  type SubscriptionVerifier,
  WebSubVerification,
} from '#websub/verification.ts';

/**
 * The platforms' front door (CONTRACT §4 "Webhooks in"): one function behind the HTTP API routes
 * POST /webhooks/{tiktok,youtube,contra} and GET /webhooks/youtube (WebSub verification). A thin adapter:
 * HTTP in, the ingestion or verification use case, HTTP out.
 */

export interface WebhookPorts extends IngestionPorts {
  readonly subscriptions: SubscriptionVerifier;
}

const INGEST_ROUTES: Readonly<Record<string, WebhookOrigin>> = {
  'POST /webhooks/tiktok': 'tiktok',
  'POST /webhooks/youtube': 'youtube',
  'POST /webhooks/contra': 'contra',
};
const VERIFY_ROUTE = 'GET /webhooks/youtube';

/** Time kept back from the function's remaining time to release a claim and answer. */
const RESPONSE_RESERVE_MS = 2_000;
const DEFAULT_PUBLISH_BUDGET_MS = 5_000;

/** The route key; behind API Gateway's `$default` catch-all route, the request's own method and path. */
const routeKeyOf = (request: HttpRequest): string =>
  request.routeKey && request.routeKey !== '$default'
    ? request.routeKey
    : `${request.requestContext?.http?.method ?? ''} ${request.rawPath ?? ''}`;

const publishBudget = (context: Context | undefined): number =>
  typeof context?.getRemainingTimeInMillis === 'function'
    ? Math.max(500, context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS)
    : DEFAULT_PUBLISH_BUDGET_MS;

const responseOf = (result: IngestResult): HttpResponse => {
  switch (result.outcome) {
    case 'accepted':
    case 'duplicate':
      return json(200, { status: result.outcome });
    case 'ignored':
    case 'dropped':
      return json(200, { status: 'ignored' });
    case 'unauthorized':
      return problem(401, 'Unauthorized', result.detail);
    case 'invalid':
      return problem(400, 'Bad Request', result.detail);
    case 'unavailable':
      return {
        ...problem(503, 'Service Unavailable', 'the delivery could not be published; retry later'),
        headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
      };
  }
};

const challengeResponse = (answer: ChallengeAnswer): HttpResponse =>
  answer.confirmed
    ? text(200, answer.challenge)
    : problem(404, 'Not Found', 'no pending subscription request of ReelHire for this topic and mode');

export const createWebhookHandler = (portsOf: () => WebhookPorts) => {
  const handle = async (request: HttpRequest, context?: Context): Promise<HttpResponse> => {
    const routeKey = routeKeyOf(request);
    const origin = Object.hasOwn(INGEST_ROUTES, routeKey) ? INGEST_ROUTES[routeKey] : undefined;
    const ports = portsOf();
    if (origin !== undefined) {
      const body = rawBody(request);
      const refused = tooLarge(body);
      if (refused) return refused;
      const result = await new WebhookIngestion(ports).receive(
        origin,
        { body, header: (name) => header(request, name) },
        publishBudget(context),
      );
      if (result.outcome === 'unavailable') {
        logger.error('webhook delivery not published', { origin, detail: result.detail });
      } else if (result.outcome !== 'accepted' && result.outcome !== 'duplicate') {
        logger.info('webhook delivery not published', { origin, ...result });
      }
      return responseOf(result);
    }
    if (routeKey === VERIFY_ROUTE) {
      return challengeResponse(
        await ports.subscriptions.answer(readChallenge(request.queryStringParameters ?? {}), ports.clock()),
      );
    }
    return problem(404, 'Not Found', `no webhook route ${routeKey}`);
  };

  return async (request: HttpRequest, context?: Context): Promise<HttpResponse> => {
    try {
      return await handle(request, context);
    } catch (error) {
      // Name and message only: no stack trace, and nothing from the request, reaches the log or the caller.
      logger.error('webhook request failed', {
        errorName: error instanceof Error ? error.name : 'Error',
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      return problem(500, 'Internal Server Error', 'the request could not be processed; retry later');
    } finally {
      // Tests count through their own port; Powertools would warn about an empty flush.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
};

let defaultPorts: WebhookPorts | undefined;

const productionPorts = (): WebhookPorts => {
  if (!defaultPorts) {
    const tableName = requireEnv('TABLE_NAME');
    defaultPorts = {
      publisher: busPublisher(),
      deliveries: new DynamoDeliveryLedger(documentClient(), tableName),
      secrets: secretValues,
      clock: () => new Date(),
      count,
      subscriptions: new WebSubVerification(
        new DynamoChannelSubscriptions(documentClient(), tableName),
        REQUESTED_LEASE_SECONDS,
      ),
    };
  }
  return defaultPorts;
};

export const handler = createWebhookHandler(productionPorts);
