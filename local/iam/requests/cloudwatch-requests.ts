import type { CallChecks } from './authorization-check.ts';

/**
 * The IAM checks of a CloudWatch call (AWS JSON 1.0, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`).
 * GetMetricData supports no resource-level permissions: `cloudwatch:GetMetricData` on `*`, whatever metrics it
 * reads. No other operation is served locally.
 */
export const cloudWatchChecks = (operation: string): CallChecks =>
  operation === 'GetMetricData'
    ? { checks: [{ action: 'cloudwatch:GetMetricData', resource: '*' }] }
    : { unmapped: `${operation} is not authorized locally` };
