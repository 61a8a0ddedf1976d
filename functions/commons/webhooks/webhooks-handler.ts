import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { type HttpRequest, type HttpResponse, header, json, problem, text } from '#shared/http.ts';
import { dispatchHttp, type RouteHandler, type Routes, withBody } from '#shared/http-dispatch.ts';
import { logger, metrics } from '#shared/observability.ts';
import type { ChallengeAnswer, SubscriptionVerifier } from '#websub/verification.ts';
import type { WebhookOrigin } from './delivery-ledger.ts';
import { type IngestionPorts, type IngestResult, WebhookIngestion } from './ingestion.ts';
import type { WEBHOOK_ROUTES, WebhookAnswer } from './routes.ts';

/**
 * The platforms' front door (CONTRACT §4 "Webhooks in"): one function behind the HTTP API routes
 * POST /webhooks/{tiktok,youtube,contra} and GET /webhooks/youtube (WebSub verification). A thin adapter:
 * HTTP in, the ingestion or verification use case, HTTP out.
 */

export interface WebhookPorts extends IngestionPorts {
  readonly subscriptions: SubscriptionVerifier;
}

/** Time kept back from the function's remaining time to answer 503 before Lambda stops it. */
const RESPONSE_RESERVE_MS = 2_000;
const DEFAULT_PUBLISH_BUDGET_MS = 5_000;

const publishBudget = (context: Context | undefined): number =>
  typeof context?.getRemainingTimeInMillis === 'function'
    ? Math.max(500, context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS)
    : DEFAULT_PUBLISH_BUDGET_MS;

const accepted = (status: z.input<typeof WebhookAnswer>['status']): HttpResponse => json(200, { status });

const responseOf = (result: IngestResult): HttpResponse => {
  switch (result.outcome) {
    case 'accepted':
    case 'duplicate':
      return accepted(result.outcome);
    case 'ignored':
    case 'dropped':
      return accepted('ignored');
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

export const createWebhookHandler = (ports: WebhookPorts) => {
  const ingestion = new WebhookIngestion(ports);
  const ingest = (origin: WebhookOrigin): RouteHandler =>
    withBody(async (request, body, context) => {
      const result = await ingestion.receive(
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
    });
  const routes: Routes<(typeof WEBHOOK_ROUTES)[number]> = {
    'POST /webhooks/tiktok': ingest('tiktok'),
    'GET /webhooks/youtube': async (request) =>
      challengeResponse(await ports.subscriptions.answer(request.queryStringParameters ?? {}, ports.clock())),
    'POST /webhooks/youtube': ingest('youtube'),
    'POST /webhooks/contra': ingest('contra'),
  };
  const dispatch = dispatchHttp(routes);

  return async (request: HttpRequest, context?: Context): Promise<HttpResponse> => {
    try {
      return await dispatch(request, context);
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
