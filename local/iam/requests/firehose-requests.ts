import { type JsonObject, stringField } from '../../json.ts';
import { localArn } from '../../local-account.ts';
import type { CallChecks } from './authorization-check.ts';

/**
 * The IAM checks of a Firehose call (AWS JSON 1.1, `X-Amz-Target: Firehose_20150804.<Operation>`): every
 * stream operation on `arn:aws:firehose:<region>:<account>:deliverystream/<name>`.
 */
export const firehoseChecks = (operation: string, input: JsonObject): CallChecks => {
  const name = stringField(input, 'DeliveryStreamName');
  if (operation === 'ListDeliveryStreams')
    return { checks: [{ action: 'firehose:ListDeliveryStreams', resource: '*' }] };
  if (!name) return { unmapped: `no delivery stream named in ${operation}` };
  return {
    checks: [{ action: `firehose:${operation}`, resource: localArn('firehose', `deliverystream/${name}`) }],
  };
};
