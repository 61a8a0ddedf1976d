import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';

/** An EventBridge event as an EventBridge → SQS target delivers it, on its `attempt`-th receive. */
export const sqsDelivery = (detailType: string, detail: unknown, attempt = 1): SQSEvent => {
  const messageId = randomUUID();
  return {
    Records: [
      {
        messageId,
        receiptHandle: `receipt-${messageId}`,
        body: JSON.stringify({
          version: '0',
          id: randomUUID(),
          source: 'reelhire.links',
          'detail-type': detailType,
          account: '000000000000',
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: [],
          detail,
        }),
        attributes: {
          ApproximateReceiveCount: String(attempt),
          SentTimestamp: String(Date.now()),
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:reelhire-youtube-subscriptions',
        awsRegion: 'us-east-1',
      },
    ],
  };
};

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
