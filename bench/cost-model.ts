import { apiGatewayHttpPerMillionAt, PRICES } from './prices.ts';

/** What one Video Posted costs, measured: units, events, handler time. Everything per event. */
export interface MeasuredVideoPosted {
  /** Webhook function: DynamoDB units for the delivery dedupe, and handler time. */
  readonly webhookWriteUnits: number;
  readonly webhookReadUnits: number;
  readonly webhookMs: number;
  readonly webhookMemoryMb: number;
  /** Video events function: units per event, handler time per event inside a batch. */
  readonly handlerWriteUnits: number;
  readonly handlerReadUnits: number;
  readonly handlerMsPerEvent: number;
  readonly handlerMemoryMb: number;
  /** Events put on the bus per Video Posted beyond the Video Posted itself (Link Changed). */
  readonly extraBusEvents: number;
  /** Records per Lambda invocation from the SQS queue. */
  readonly batchSize: number;
  /** Video Posted deliveries a month, in millions: API Gateway's price per request falls with the volume. */
  readonly monthlyMillions: number;
}

export interface CostLine {
  readonly item: string;
  readonly usd: number;
  /** Where the figure comes from: the count per event and whether it is measured, forced or designed. */
  readonly why: string;
}

export interface CostEstimate {
  readonly lines: CostLine[];
  readonly totalUsd: number;
  /** The part after the bus (queue, function, table writes of the handler): what the design choices change. */
  readonly behindBusUsd: number;
}

const MILLION = 1_000_000;
/**
 * TikTok's scale (docs/capacity.md): ~1,050 new videos a second on average, over a month of 2.63 million seconds,
 * is 2.76 billion Video Posted a month.
 */
export const TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS = (1_050 * 2_630_000) / MILLION;
/** ReceiveMessage and DeleteMessageBatch take at most 10 messages a call. */
const SQS_MESSAGES_PER_CALL = 10;
/** Powertools-style idempotency: an in-progress record, then completed (FACTS.md). */
const CLAIM_AND_CONFIRM_WRITE_UNITS = 2;

const gbSeconds = (ms: number, memoryMb: number): number => (ms / 1000) * (memoryMb / 1024) * MILLION;
const lambdaCompute = (ms: number, memoryMb: number): number =>
  gbSeconds(ms, memoryMb) * PRICES.lambdaArm64PerGbSecond;
/** DynamoDB on-demand, per million events using these units each. */
const dynamoDbUsd = (writeUnits: number, readUnits: number): number =>
  writeUnits * PRICES.dynamoDbPerMillionWriteUnits + readUnits * PRICES.dynamoDbPerMillionReadUnits;
const units = (writeUnits: number, readUnits: number) => `${writeUnits} WCU + ${readUnits} RCU`;

/** The lines before the bus that every design pays: the platform's request and the webhook function. */
const ingestLines = (m: MeasuredVideoPosted): CostLine[] => [
  {
    item: 'API Gateway HTTP API requests',
    usd: apiGatewayHttpPerMillionAt(m.monthlyMillions),
    why: `forced: one request per delivery ($1.00 per million for the month's first 300 million, $0.90 after: at ${m.monthlyMillions.toLocaleString('en-US')} million a month, $${apiGatewayHttpPerMillionAt(m.monthlyMillions).toFixed(3)} on average)`,
  },
  {
    item: 'webhook Lambda requests',
    usd: PRICES.lambdaPerMillionRequests,
    why: 'forced: one invocation per request',
  },
  {
    item: 'webhook Lambda GB-s',
    usd: lambdaCompute(m.webhookMs, m.webhookMemoryMb),
    why: `measured: ${m.webhookMs} ms a request (ingest bench, one connection: a Lambda environment serves one request at a time) at ${m.webhookMemoryMb} MB, arm64`,
  },
];

const busLine = (m: MeasuredVideoPosted): CostLine => ({
  item: 'EventBridge events (Video Posted + Link Changed)',
  usd: (1 + m.extraBusEvents) * PRICES.eventBridgePerMillionEvents,
  why: `forced: the Video Posted and ${m.extraBusEvents} Link Changed a video of a linked account turns on`,
});

/** Per million Video Posted on AWS, ReelHire's design: one dedupe write, SQS batches, conditional writes. */
export const reelhireCost = (m: MeasuredVideoPosted): CostEstimate => {
  const front: CostLine[] = [
    ...ingestLines(m),
    {
      item: 'webhook dedupe DynamoDB units',
      usd: dynamoDbUsd(m.webhookWriteUnits, m.webhookReadUnits),
      why: `measured ${units(m.webhookWriteUnits, m.webhookReadUnits)}: look (eventually consistent), publish, remember once published`,
    },
    busLine(m),
  ];
  // The rule sends each event to the queue (one SendMessage, not batchable by EventBridge); the event source
  // mapping gathers a batch (1 s window) from receives of ≤ 10 and deletes it in calls of ≤ 10.
  const pollCalls = 2 * Math.ceil(m.batchSize / SQS_MESSAGES_PER_CALL);
  const sqsRequests = 1 + pollCalls / m.batchSize;
  const behind: CostLine[] = [
    {
      item: 'SQS requests',
      usd: sqsRequests * PRICES.sqsPerMillionRequests,
      why: `designed: 1 SendMessage + ${pollCalls} receive/delete calls per batch of ${m.batchSize} = ${sqsRequests.toFixed(2)} a event`,
    },
    {
      item: 'video-events Lambda requests',
      usd: PRICES.lambdaPerMillionRequests / m.batchSize,
      why: `designed: one invocation per batch of ${m.batchSize}`,
    },
    {
      item: 'video-events Lambda GB-s',
      usd: lambdaCompute(m.handlerMsPerEvent, m.handlerMemoryMb),
      why: `measured: ${m.handlerMsPerEvent.toFixed(2)} ms an event (the local pipeline's time per event) at ${m.handlerMemoryMb} MB`,
    },
    {
      item: 'link records DynamoDB units',
      usd: dynamoDbUsd(m.handlerWriteUnits, m.handlerReadUnits),
      why: `measured ${units(m.handlerWriteUnits, m.handlerReadUnits)}: the conditional write, then the strongly consistent reads after it (the video and account items, one BatchGetItem a batch: the announcement-race fix)`,
    },
  ];
  return total(front, behind);
};

/**
 * The naive design beside it: a claim-and-confirm dedupe record at the webhook, EventBridge invoking the
 * function once per event (no queue, no batch), and a Powertools-style idempotency record guarding each
 * invocation (≈ 2 extra write units: in progress, then done).
 */
export const naiveCost = (m: MeasuredVideoPosted): CostEstimate => {
  const front: CostLine[] = [
    ...ingestLines(m),
    {
      item: 'webhook dedupe DynamoDB units',
      usd: dynamoDbUsd(CLAIM_AND_CONFIRM_WRITE_UNITS, 0),
      why: 'claim before publishing, confirm after: 2 WCU',
    },
    busLine(m),
  ];
  const behind: CostLine[] = [
    {
      item: 'video-events Lambda requests (one per event)',
      usd: PRICES.lambdaPerMillionRequests,
      why: 'EventBridge invokes the function for every event',
    },
    {
      // The same handler time per event, billed per invocation in whole milliseconds.
      item: 'video-events Lambda GB-s',
      usd: lambdaCompute(Math.ceil(m.handlerMsPerEvent), m.handlerMemoryMb),
      why: 'the same handler time, rounded up to the millisecond per invocation',
    },
    {
      item: 'link records + idempotency records DynamoDB units',
      usd: dynamoDbUsd(m.handlerWriteUnits + CLAIM_AND_CONFIRM_WRITE_UNITS, m.handlerReadUnits),
      why: `${units(m.handlerWriteUnits + CLAIM_AND_CONFIRM_WRITE_UNITS, m.handlerReadUnits)}: the link records and an idempotency record`,
    },
  ];
  return total(front, behind);
};

/**
 * What the contract forces for a Video Posted of a linked account (issue #17): the request, the webhook
 * function, one write to remember the delivery, the Video Posted event, one delivery to a function, the link
 * write and its Link Changed, with the same measured compute.
 */
export const contractFloor = (m: MeasuredVideoPosted): number =>
  apiGatewayHttpPerMillionAt(m.monthlyMillions) +
  PRICES.lambdaPerMillionRequests +
  lambdaCompute(m.webhookMs, m.webhookMemoryMb) +
  PRICES.dynamoDbPerMillionWriteUnits +
  2 * PRICES.eventBridgePerMillionEvents +
  PRICES.lambdaPerMillionRequests +
  lambdaCompute(m.handlerMsPerEvent, m.handlerMemoryMb) +
  PRICES.dynamoDbPerMillionWriteUnits;

const total = (front: CostLine[], behind: CostLine[]): CostEstimate => {
  const sum = (lines: CostLine[]) => lines.reduce((accumulated, line) => accumulated + line.usd, 0);
  return { lines: [...front, ...behind], totalUsd: sum(front) + sum(behind), behindBusUsd: sum(behind) };
};
