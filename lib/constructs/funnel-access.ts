import { type Stack, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import {
  FUNNEL_STREAM_VARIABLE,
  FUNNEL_TABLE_VARIABLE,
  FUNNEL_WORKGROUP_VARIABLE,
} from '#funnel/funnel-log.ts';
import { FUNNEL_STREAM_COUNT_VARIABLE } from '#funnel/funnel-streams.ts';
import type { Stage } from '../config.ts';
import {
  FUNNEL_TABLE_NAME,
  funnelBucketNameOf,
  funnelDatabaseNameOf,
  funnelStreamNameOf,
  funnelStreamNamesOf,
  funnelWorkGroupNameOf,
} from '../names.ts';
import { FUNNEL_RESULTS_PREFIX } from './funnel-log.ts';
import type { ReelHireFunction } from './reelhire-function.ts';

/**
 * What a function may do with the funnel log (lib/constructs/funnel-log.ts), by the fixed names of its stream,
 * workgroup, table and bucket: no cross-stack reference, as for the bus rules' dead-letter queues.
 */

/**
 * PutRecord and PutRecordBatch on the log's delivery streams, the first one's name and (when there are more) how
 * many there are: the function derives the others' names (`<first>-<n>`, #funnel/funnel-streams.ts), and is
 * granted them as the first by name and the others by that one pattern, so that 64 streams do not make 64
 * resources in every recording function's policy.
 */
export const grantFunnelRecording = (stack: Stack, fn: ReelHireFunction, stage: Stage): void => {
  const streamName = funnelStreamNameOf(stage);
  const count = funnelStreamNamesOf(stage).length;
  const streamArn = (resourceName: string) =>
    stack.formatArn({ service: 'firehose', resource: 'deliverystream', resourceName });
  const others = `${streamName}-*`;
  Grant.addToPrincipal({
    grantee: fn.role,
    actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
    resourceArns: [streamArn(streamName), ...(count > 1 ? [streamArn(others)] : [])],
  });
  nameStreams(fn, stage);
  if (count === 1) return;
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:firehose:<AWS::Region>:<AWS::AccountId>:deliverystream/${others}]`,
    reason:
      'The funnel log’s own delivery streams after the first (`<first>-1` …), all of one bucket and prefix.',
  });
};

/** The first stream's name and, when there are more, how many: a function derives the others' names. */
const nameStreams = (fn: ReelHireFunction, stage: Stage): void => {
  const count = funnelStreamNamesOf(stage).length;
  fn.function.addEnvironment(FUNNEL_STREAM_VARIABLE, funnelStreamNameOf(stage));
  if (count > 1) fn.function.addEnvironment(FUNNEL_STREAM_COUNT_VARIABLE, String(count));
};

/**
 * Athena queries in the funnel's workgroup, over its Glue table: Athena reads the log's objects and writes the
 * results with the caller's own permissions, so the role holds those too, on exactly those prefixes. And the
 * streams' delivery metric, which tells how recent a final hour can be.
 */
export const grantFunnelQueries = (stack: Stack, fn: ReelHireFunction, stage: Stage): void => {
  const database = funnelDatabaseNameOf(stage);
  const grant = (actions: string[], resourceArns: string[]) =>
    Grant.addToPrincipal({ grantee: fn.role, actions, resourceArns });
  grant(
    ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
    [
      stack.formatArn({
        service: 'athena',
        resource: 'workgroup',
        resourceName: funnelWorkGroupNameOf(stage),
      }),
    ],
  );
  grant(
    ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
    [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
      stack.formatArn({
        service: 'glue',
        resource: 'table',
        resourceName: `${database}/${FUNNEL_TABLE_NAME}`,
      }),
    ],
  );
  const bucketArn = `arn:${stack.partition}:s3:::${funnelBucketNameOf(stage, stack.account, stack.region)}`;
  const resultsPrefix = FUNNEL_RESULTS_PREFIX.replace(/\/$/, '');
  grant(['s3:GetBucketLocation', 's3:ListBucket'], [bucketArn]);
  grant(['s3:GetObject'], [`${bucketArn}/funnel/*`]);
  grant(['s3:GetObject', 's3:PutObject'], [`${bucketArn}/${resultsPrefix}/*`]);
  for (const prefix of ['funnel', resultsPrefix]) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${funnelBucketNameOf(stage, '<AWS::AccountId>', '<AWS::Region>')}/${prefix}/*]`,
      reason:
        'Athena reads the log’s objects and writes query results as the caller: those two prefixes only.',
    });
  }
  // Firehose's report of what the streams have delivered (delivery-watermark.ts): GetMetricData names no resource.
  grant(['cloudwatch:GetMetricData'], ['*']);
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'cloudwatch:GetMetricData supports no resource-level permission; the function reads the funnel streams’ DataFreshness with it.',
  });
  nameStreams(fn, stage);
  fn.function.addEnvironment(FUNNEL_WORKGROUP_VARIABLE, funnelWorkGroupNameOf(stage));
  fn.function.addEnvironment(FUNNEL_TABLE_VARIABLE, `${database}.${FUNNEL_TABLE_NAME}`);
};
