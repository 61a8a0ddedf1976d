import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { vi } from 'vitest';
import type { BusEntry } from '#events/samples.ts';
import type { HttpRequest } from '#shared/http.ts';

/**
 * What AWS hands a function, built in one place: an HTTP API request (payload 2.0), SQS records carrying the
 * bus events a rule delivered to a queue, and a Lambda context. Accounts, regions and ARNs are the local ones.
 */

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/** An API Gateway HTTP API (payload 2.0) request, as a route's function receives it. */
export interface RequestShape {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Route key as configured; defaults to `<method> <path>`. */
  readonly routeKey?: string;
  /** The values of the route key's `{parameters}`. */
  readonly pathParameters?: Readonly<Record<string, string>>;
}

export const apiGatewayRequest = (shape: RequestShape): HttpRequest => {
  const rawQueryString = shape.query ? new URLSearchParams({ ...shape.query }).toString() : '';
  // API Gateway lower-cases header names; bodies that are not text arrive base64-encoded.
  const headers = Object.fromEntries(
    Object.entries(shape.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const binary = Buffer.isBuffer(shape.body);
  const routeKey = shape.routeKey ?? `${shape.method} ${shape.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: shape.path,
    rawQueryString,
    headers,
    ...(shape.query ? { queryStringParameters: { ...shape.query } } : {}),
    ...(shape.pathParameters ? { pathParameters: { ...shape.pathParameters } } : {}),
    ...(shape.body === undefined
      ? {}
      : { body: binary ? (shape.body as Buffer).toString('base64') : (shape.body as string) }),
    isBase64Encoded: binary,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: {
        method: shape.method,
        path: shape.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'reelhire-test',
      },
      requestId: 'test',
      routeKey,
      stage: '$default',
      time: '22/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
  };
};

/** `request` as API Gateway passes it when it took it at `time` (ISO 8601): its `requestContext.timeEpoch`. */
export const takenAt = (request: HttpRequest, time: string): HttpRequest => ({
  ...request,
  requestContext: { ...request.requestContext, timeEpoch: Date.parse(time) },
});

/** A request to a route behind the `$default` catch-all (the dispatch matches the path), with a Bearer credential. */
export const bearerRequest = (
  method: 'GET' | 'POST',
  path: string,
  bearer: string | undefined,
  options: { readonly query?: Record<string, string>; readonly body?: string } = {},
): HttpRequest =>
  apiGatewayRequest({
    method,
    path,
    routeKey: '$default',
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    ...(options.query ? { query: options.query } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
  });

export interface SqsRecordOptions {
  /** ApproximateReceiveCount: the record is the message's `receiveCount`-th receive. @default 1 */
  readonly receiveCount?: number;
  /** @default a random id */
  readonly messageId?: string;
  /** The queue's name, in the record's source ARN. @default 'reelhire-test' */
  readonly queue?: string;
}

/**
 * One SQS record as an event source mapping hands it to a function: its body the EventBridge event that a rule
 * targeting the queue delivered for `entry` (a bus entry, such as a catalog sample).
 */
export const sqsRecord = (
  entry: BusEntry,
  { receiveCount = 1, messageId = randomUUID(), queue = 'reelhire-test' }: SqsRecordOptions = {},
): SQSRecord => {
  const sentAt = String(Date.now());
  return {
    messageId,
    receiptHandle: `receipt-${messageId}-${receiveCount}`,
    body: JSON.stringify({
      version: '0',
      id: randomUUID(),
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: REGION,
      resources: [],
      ...entry,
    }),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: sentAt,
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: sentAt,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
    awsRegion: REGION,
  };
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * The AWS settings a function gets in the local runtime, stubbed for this test file (vi.unstubAllEnvs undoes
 * them): the local region and credentials, and each service's endpoint, e.g. `{ DYNAMODB: dynamo.endpoint }`.
 */
export const stubLocalAwsEnvironment = (endpoints: Readonly<Record<string, string>>): void => {
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  for (const [service, endpoint] of Object.entries(endpoints))
    vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, endpoint);
};
