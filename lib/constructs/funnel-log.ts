import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface FunnelLogProps {
  /**
   * The delivery streams' names (lib/funnel-capacity.ts: one in dev, several in prod), all into the same bucket
   * and prefix: fixed, so the stateless stack grants PutRecord on them without a reference.
   */
  readonly streamNames: readonly [string, ...string[]];
  readonly bucketName: string;
  /** The Athena workgroup and Glue database the queries use (fixed names, likewise). */
  readonly workGroupName: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Firehose buffering: a record is in S3, and so counted, at most this long after PutRecord (CONTRACT §8's
 * 60 s, with room for the query). Firehose also flushes at SizeInMBs, whichever comes first.
 */
export const FUNNEL_BUFFER_SECONDS = 15;
export const FUNNEL_BUFFER_MB = 64;
/** The bucket's logical id: fixed, so the findings acknowledged below name it. */
const FUNNEL_BUCKET_ID = 'FunnelLogBucket';

/**
 * Where the records land in the bucket, one partition per arrival hour (Athena prunes by `dt` and `hour`): a read
 * after a key's rollup opens the hours since it, not whole days (docs/capacity.md, "final by delivery").
 */
export const FUNNEL_PREFIX = 'funnel/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/';
/** The partition values of `hour` (Firehose's `HH`, UTC). */
const HOURS = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));
/** Where Athena writes query results (as the querying function's role). */
export const FUNNEL_RESULTS_PREFIX = 'athena-results/';
/** The log's columns as the Glue table declares them, each with the JSON key it reads (FunnelRecord's). */
export const FUNNEL_COLUMNS = {
  kind: 'kind',
  id: 'id',
  at: 'at',
  platform: 'platform',
  videoid: 'videoId',
  profileid: 'profileId',
  jobid: 'jobId',
} as const;

/**
 * The funnel log (docs/capacity.md "Funnel"): DirectPut Kinesis Data Firehose delivery streams writing the
 * taps and page views as GZIP JSON lines into a bucket that keeps them (counts are cumulative, CONTRACT §8).
 * Each stream names its own objects, so several write the same prefix side by side.
 */
export class FunnelLog extends Construct {
  public readonly bucket: Bucket;
  public readonly deliveryStreams: readonly CfnDeliveryStream[];
  public readonly table: CfnTable;
  public readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: FunnelLogProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: props.removalPolicy,
      // Old days are read by the cumulative counts only: cheaper storage after a month.
      lifecycleRules: [
        {
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        },
      ],
    });
    (this.bucket.node.defaultChild as CfnBucket).overrideLogicalId(FUNNEL_BUCKET_ID);
    const account = Stack.of(this).account;
    const role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': account } },
      }),
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
        ],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects('funnel/*'), this.bucket.arnForObjects('errors/*')],
      }),
    );
    // The first stream keeps the construct id it had as the only one, so adding streams replaces nothing.
    this.deliveryStreams = props.streamNames.map((streamName, index) => {
      const stream = new CfnDeliveryStream(this, index === 0 ? 'DeliveryStream' : `DeliveryStream${index}`, {
        deliveryStreamName: streamName,
        deliveryStreamType: 'DirectPut',
        deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
        extendedS3DestinationConfiguration: {
          bucketArn: this.bucket.bucketArn,
          roleArn: role.roleArn,
          prefix: FUNNEL_PREFIX,
          errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
          compressionFormat: 'GZIP',
          bufferingHints: { intervalInSeconds: FUNNEL_BUFFER_SECONDS, sizeInMBs: FUNNEL_BUFFER_MB },
        },
      });
      stream.node.addDependency(role);
      return stream;
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Written by Firehose alone (its role) and read by the funnel queries; CloudTrail records both, per request access logs would add a log object per delivered one.',
    });
    for (const prefix of ['funnel', 'errors']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${FUNNEL_BUCKET_ID}.Arn>/${prefix}/*]`,
        reason: 'Firehose writes objects it names itself, under this prefix of this bucket only.',
      });
    }

    const catalogId = Stack.of(this).account;
    const database = new CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: { name: props.databaseName, description: 'ReelHire funnel log (taps, page views)' },
    });
    const location = `s3://${this.bucket.bucketName}/funnel/`;
    this.table = new CfnTable(this, 'Table', {
      catalogId,
      databaseName: props.databaseName,
      tableInput: {
        name: props.tableName,
        tableType: 'EXTERNAL_TABLE',
        // Partition projection: Athena derives the partitions from the query, no crawler or MSCK REPAIR.
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2026-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.hour.type': 'enum',
          'projection.hour.values': HOURS.join(','),
          'storage.location.template': `${location}dt=\${dt}/hour=\${hour}/`,
        },
        partitionKeys: [
          { name: 'dt', type: 'string' },
          { name: 'hour', type: 'string' },
        ],
        storageDescriptor: {
          location,
          columns: Object.keys(FUNNEL_COLUMNS).map((name) => ({ name, type: 'string' })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // Keys matched exactly, each column to its key: Glue's column names are lower case.
            parameters: {
              'case.insensitive': 'false',
              ...Object.fromEntries(
                Object.entries(FUNNEL_COLUMNS).map(([column, key]) => [`mapping.${column}`, key]),
              ),
            },
          },
        },
      },
    });
    this.table.addDependency(database);
    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // A runaway query stops at 1 TB ($5), far above a pruned funnel read.
        bytesScannedCutoffPerQuery: 1_000_000_000_000,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${FUNNEL_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
