/**
 * AWS list prices used by the cost model, us-east-1, as checked on the date below (../shared/spec/FACTS.md).
 * One dated table: when prices change, change them here and nowhere else.
 */
export const PRICES = {
  checkedOn: '2026-11-01',
  region: 'us-east-1',
  lambdaPerMillionRequests: 0.2,
  lambdaArm64PerGbSecond: 0.0000133334,
  eventBridgePerMillionEvents: 1.0,
  sqsPerMillionRequests: 0.4,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  apiGatewayHttpPerMillionRequests: 1.0,
  /** Firehose Direct PUT, first 500 TB a month; each record rounded up to 5 KB. */
  firehosePerGbIngested: 0.029,
  s3PerThousandPuts: 0.005,
} as const;
