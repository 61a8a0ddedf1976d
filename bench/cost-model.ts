import { PRICES } from './prices.ts';

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
}

export interface CostLine {
  readonly item: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly lines: CostLine[];
  readonly totalUsd: number;
  /** The part after the bus (queue, function, table writes of the handler): what the design choices change. */
  readonly behindBusUsd: number;
}

const MILLION = 1_000_000;
const gbSeconds = (ms: number, memoryMb: number): number => (ms / 1000) * (memoryMb / 1024) * MILLION;
/** DynamoDB on-demand, per million events using these units each. */
const dynamoDbUsd = (writeUnits: number, readUnits: number): number =>
  writeUnits * PRICES.dynamoDbPerMillionWriteUnits + readUnits * PRICES.dynamoDbPerMillionReadUnits;

/** Per million Video Posted on AWS, ReelHire's design: SQS batches, conditional writes, no idempotency table. */
export const reelhireCost = (m: MeasuredVideoPosted): CostEstimate => {
  const front: CostLine[] = [
    { item: 'API Gateway HTTP API requests', usd: PRICES.apiGatewayHttpPerMillionRequests },
    { item: 'webhook Lambda requests', usd: PRICES.lambdaPerMillionRequests },
    {
      item: 'webhook Lambda GB-s',
      usd: gbSeconds(m.webhookMs, m.webhookMemoryMb) * PRICES.lambdaArm64PerGbSecond,
    },
    { item: 'webhook dedupe DynamoDB units', usd: dynamoDbUsd(m.webhookWriteUnits, m.webhookReadUnits) },
    {
      item: 'EventBridge events (Video Posted + Link Changed)',
      usd: (1 + m.extraBusEvents) * PRICES.eventBridgePerMillionEvents,
    },
  ];
  // EventBridge → SQS SendMessage per event; the event source mapping receives and deletes per batch.
  const sqsRequests = 1 + 2 / m.batchSize;
  const behind: CostLine[] = [
    { item: 'SQS requests', usd: sqsRequests * PRICES.sqsPerMillionRequests },
    { item: 'video-events Lambda requests', usd: PRICES.lambdaPerMillionRequests / m.batchSize },
    {
      item: 'video-events Lambda GB-s',
      usd: gbSeconds(m.handlerMsPerEvent, m.handlerMemoryMb) * PRICES.lambdaArm64PerGbSecond,
    },
    { item: 'link records DynamoDB units', usd: dynamoDbUsd(m.handlerWriteUnits, m.handlerReadUnits) },
  ];
  return total(front, behind);
};

/**
 * The naive design beside it: EventBridge invokes the function once per event (no queue, no batch), and a
 * Powertools-style idempotency record guards each invocation (≈ 2 extra write units: in progress, then done).
 * The front door is the same in both.
 */
export const naiveCost = (m: MeasuredVideoPosted): CostEstimate => {
  const reelhire = reelhireCost(m);
  const front = reelhire.lines.slice(0, 5);
  const behind: CostLine[] = [
    { item: 'video-events Lambda requests (one per event)', usd: PRICES.lambdaPerMillionRequests },
    {
      // The same handler time per event, billed per invocation in whole milliseconds.
      item: 'video-events Lambda GB-s',
      usd: gbSeconds(Math.ceil(m.handlerMsPerEvent), m.handlerMemoryMb) * PRICES.lambdaArm64PerGbSecond,
    },
    {
      item: 'link records + idempotency records DynamoDB units',
      usd: dynamoDbUsd(m.handlerWriteUnits + 2, m.handlerReadUnits),
    },
  ];
  return total(front, behind);
};

const total = (front: CostLine[], behind: CostLine[]): CostEstimate => {
  const sum = (lines: CostLine[]) => lines.reduce((accumulated, line) => accumulated + line.usd, 0);
  return { lines: [...front, ...behind], totalUsd: sum(front) + sum(behind), behindBusUsd: sum(behind) };
};
