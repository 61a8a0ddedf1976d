import { type Stack, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import {
  FUNNEL_STREAM_VARIABLE,
  FUNNEL_TABLE_VARIABLE,
  FUNNEL_WORKGROUP_VARIABLE,
} from '#funnel/funnel-log.ts';
import {
  FUNNEL_TABLE_NAME,
  funnelBucketNameOf,
  funnelDatabaseNameOf,
  funnelStreamNameOf,
  funnelWorkGroupNameOf,
} from '../names.ts';
import { FUNNEL_RESULTS_PREFIX } from './funnel-log.ts';
import type { ReelHireFunction } from './reelhire-function.ts';

/**
 * What a function may do with the funnel log (lib/constructs/funnel-log.ts), by the fixed names of its stream,
 * workgroup, table and bucket: no cross-stack reference, as for the bus rules' dead-letter queues.
 */

/** PutRecord and PutRecordBatch on the delivery stream, and its name. */
export const grantFunnelRecording = (stack: Stack, fn: ReelHireFunction, stage: string): void => {
  const streamName = funnelStreamNameOf(stage);
  Grant.addToPrincipal({
    grantee: fn.role,
    actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
    resourceArns: [
      stack.formatArn({ service: 'firehose', resource: 'deliverystream', resourceName: streamName }),
    ],
  });
  fn.function.addEnvironment(FUNNEL_STREAM_VARIABLE, streamName);
};

/**
 * Athena queries in the funnel's workgroup, over its Glue table: Athena reads the log's objects and writes the
 * results with the caller's own permissions, so the role holds those too, on exactly those prefixes.
 */
export const grantFunnelQueries = (stack: Stack, fn: ReelHireFunction, stage: string): void => {
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
  fn.function.addEnvironment(FUNNEL_WORKGROUP_VARIABLE, funnelWorkGroupNameOf(stage));
  fn.function.addEnvironment(FUNNEL_TABLE_VARIABLE, `${database}.${FUNNEL_TABLE_NAME}`);
};
