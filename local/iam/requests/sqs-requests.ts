import { type JsonObject, stringField } from '../../json.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local-account.ts';
import type { CallChecks } from './authorization-check.ts';

/**
 * The IAM checks of an SQS call (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`): the queue's ARN, built
 * from the QueueUrl (`…/<account>/<name>`) or the QueueName; batch operations authorize as their single
 * counterpart (SendMessageBatch is sqs:SendMessage), as the SQS API reference states.
 */

const ACTION_OF: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

const ACCOUNT_OPERATIONS = new Set(['ListQueues']);

/** `arn:aws:sqs:<region>:<account>:<name>` of a queue URL, whatever host serves it. */
export const queueArnOfUrl = (queueUrl: string): string | undefined => {
  let path: string;
  try {
    path = new URL(queueUrl).pathname;
  } catch {
    return undefined;
  }
  const [account, name] = path.split('/').filter((part) => part !== '');
  return account && name ? `arn:aws:sqs:${LOCAL_REGION}:${account}:${name}` : undefined;
};

export const sqsChecks = (operation: string, input: JsonObject): CallChecks => {
  const action = `sqs:${ACTION_OF[operation] ?? operation}`;
  if (ACCOUNT_OPERATIONS.has(operation)) return { checks: [{ action, resource: '*' }] };
  const queueUrl = stringField(input, 'QueueUrl');
  if (queueUrl) {
    const resource = queueArnOfUrl(queueUrl);
    // SQS answers a URL it cannot read itself; local mode lets the endpoint do so.
    return resource ? { checks: [{ action, resource }] } : { checks: [] };
  }
  const queueName = stringField(input, 'QueueName');
  if (queueName) {
    const account = stringField(input, 'QueueOwnerAWSAccountId') ?? LOCAL_ACCOUNT;
    return { checks: [{ action, resource: `arn:aws:sqs:${LOCAL_REGION}:${account}:${queueName}` }] };
  }
  const sourceArn = stringField(input, 'SourceArn');
  if (sourceArn) return { checks: [{ action, resource: sourceArn }] };
  return { unmapped: `no queue named in ${operation}` };
};
