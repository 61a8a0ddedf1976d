import { randomUUID } from 'node:crypto';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { SecretName } from '#shared/secret-names.ts';
import { SAMPLE_NAMES, signedSampleWebhook } from '../../cli/sample-webhooks.ts';
import { EVENT_ROUTES, SCHEDULES } from '../../lib/routing.ts';
import { type BusEvent, eventTime } from '../eventbridge/bus-event.ts';
import type { EdgeRequest } from '../http/edge-request.ts';
import { compileRoutes, type HttpRouteBinding } from '../http/http-routes.ts';
import { httpApiEvent, newRequestId } from '../http/payload-v2.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, localArn } from '../local-account.ts';

/**
 * The sample events of `reelhire invoke`: for each function, the events its trigger hands it, built as that
 * trigger builds them. An event route's function gets an SQS batch of one record whose body is the EventBridge
 * envelope of a catalog sample (what its rule puts on its queue); a scheduled function EventBridge's
 * `Scheduled Event`; an HTTP function an API Gateway HTTP API (payload 2.0) request: a signed sample webhook for
 * the webhooks' routes, else a GET of one of its routes with the path parameters taken from the catalog samples.
 */

export interface InvocationTarget {
  /** Short name (its key in lib/functions.ts). */
  readonly shortName: string;
  /** Its HTTP routes in the running template. */
  readonly routes: readonly HttpRouteBinding[];
  readonly apiUrl: string;
  /** What the stack verifies signatures with. */
  readonly secretOf: (name: SecretName) => string;
}

export interface SampleEvent {
  readonly name: string;
  /** Built when used: timestamps and signatures are fresh. */
  readonly event: () => unknown;
}

const envelopeOf = (
  detailType: string,
  source: string,
  detail: JsonObject,
  resources: string[] = [],
): BusEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source,
  account: LOCAL_ACCOUNT,
  time: eventTime(new Date()),
  region: LOCAL_REGION,
  resources,
  detail,
});

const sqsBatchOf = (queueName: string, body: string): JsonObject => {
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: `invoke-${randomUUID()}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: now,
          SenderId: LOCAL_ACCOUNT,
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: localArn('sqs', queueName),
        awsRegion: LOCAL_REGION,
      },
    ],
  };
};

/** Every string field of the catalog's samples by name: what fills a route's `{videoId}`, `{jobId}`… */
const sampleValues = (): Map<string, string> => {
  const values = new Map<string, string>();
  for (const definition of Object.values(EVENTS)) {
    const { detail } = sampleOf(definition);
    if (!isJsonObject(detail)) continue;
    for (const [key, value] of Object.entries(detail))
      if (typeof value === 'string' && !values.has(key)) values.set(key, value);
  }
  return values;
};

/** The request as API Gateway hands it to the function of the route it matches. */
const requestEvent = (target: InvocationTarget, request: EdgeRequest): unknown => {
  const match = compileRoutes(target.routes)(request.method, request.path);
  if (!match) throw new Error(`no route of ${target.shortName} takes ${request.method} ${request.path}`);
  return httpApiEvent({ request, match, apiId: 'local', requestId: newRequestId() });
};

const edgeRequest = (
  target: InvocationTarget,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): EdgeRequest => ({
  method,
  path,
  query: '',
  headers: {
    host: [new URL(target.apiUrl).host],
    'user-agent': ['reelhire-invoke'],
    ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [value]])),
  },
  body: Buffer.from(body),
  sourceIp: '127.0.0.1',
  httpVersion: '1.1',
  port: Number(new URL(target.apiUrl).port),
});

const httpSamples = (target: InvocationTarget): SampleEvent[] => {
  const samples: SampleEvent[] = [];
  for (const name of SAMPLE_NAMES) {
    const probe = signedSampleWebhook(name, {}, target.secretOf);
    if (!target.routes.some((route) => route.routeKey === `POST ${probe.path}`)) continue;
    samples.push({
      name,
      event: () => {
        // Signed now, so that its timestamp is fresh.
        const webhook = signedSampleWebhook(name, {}, target.secretOf);
        return requestEvent(target, edgeRequest(target, 'POST', webhook.path, webhook.headers, webhook.body));
      },
    });
  }
  const values = sampleValues();
  for (const route of target.routes.filter((candidate) => candidate.routeKey.startsWith('GET '))) {
    const template = route.routeKey.slice('GET '.length);
    const path = template.replace(/\{(\w+)\+?\}/g, (_, name: string) =>
      encodeURIComponent(values.get(name) ?? 'sample'),
    );
    samples.push({
      name: `GET ${path}`,
      event: () => requestEvent(target, edgeRequest(target, 'GET', path, {}, '')),
    });
  }
  return samples;
};

/** The samples `invoke` can give this function, its default first. */
export const samplesFor = (target: InvocationTarget): SampleEvent[] => {
  const route = EVENT_ROUTES.find((candidate) => candidate.function === target.shortName);
  if (route) {
    return Object.values(EVENTS)
      .filter((definition) => route.detailTypes.includes(definition.detailType))
      .map((definition) => ({
        name: definition.name,
        event: () => {
          const sample = sampleOf(definition);
          const detail = isJsonObject(sample.detail) ? sample.detail : {};
          return sqsBatchOf(
            `${route.id}Queue`,
            JSON.stringify(envelopeOf(sample['detail-type'], sample.source, detail)),
          );
        },
      }));
  }
  const schedule = SCHEDULES.find((candidate) => candidate.function === target.shortName);
  if (schedule) {
    return [
      {
        name: 'schedule',
        event: () =>
          envelopeOf('Scheduled Event', 'aws.events', {}, [localArn('events', `rule/${schedule.id}`)]),
      },
    ];
  }
  return httpSamples(target);
};
