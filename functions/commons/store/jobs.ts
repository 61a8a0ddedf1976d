import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { JobPublished } from '#events/catalog.ts';
import type { VideoRef } from '#events/fields.ts';
import { INDEXES } from '../adapters/table-design.ts';
import { instantKey } from '../domain/instant.ts';
import { jobKey } from './keys.ts';
import type { JobRecord } from './records.ts';
import { parseRef, refString, stringSet } from './refs.ts';

/** The dueAt index partition of jobs whose `closesAt` has not been announced yet. */
export const JOB_CLOSES_PARTITION = 'JOB_CLOSES';

export interface StoredJob {
  readonly record: JobRecord;
  /** Every video any seen version listed. */
  readonly everListed: VideoRef[];
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const videosOf = (refs: readonly string[]): VideoRef[] =>
  refs.map(parseRef).map(({ platform, id }) => ({ platform, videoId: id }));

const refsOf = (videos: readonly VideoRef[]): Set<string> =>
  new Set(videos.map((video) => refString(video.platform, video.videoId)));

export class JobStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(jobId: string): Promise<StoredJob | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(jobId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, gsi2pk: _gsi2pk, gsi2sk: _gsi2sk, everListed, ...record } = Item;
    return { record: record as JobRecord, everListed: videosOf(stringSet(everListed)) };
  }

  /** Compare-and-set on the version read, as for profiles. A job with `closesAt` joins the dueAt index. */
  async replaceIfUnchanged(
    job: JobPublished,
    expected: StoredJob | undefined,
    everListed: readonly VideoRef[],
  ): Promise<boolean> {
    const refs = refsOf(everListed);
    const due = job.closesAt
      ? { gsi2pk: JOB_CLOSES_PARTITION, gsi2sk: `${instantKey(job.closesAt)}#${job.jobId}` }
      : {};
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...jobKey(job.jobId), ...job, ...due, ...(refs.size > 0 ? { everListed: refs } : {}) },
          ConditionExpression: expected
            ? 'version = :expected AND attribute_not_exists(closed)'
            : 'attribute_not_exists(pk)',
          ...(expected ? { ExpressionAttributeValues: { ':expected': expected.record.version } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async addEverListed(jobId: string, videos: readonly VideoRef[]): Promise<void> {
    if (videos.length === 0) return;
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKey(jobId),
        UpdateExpression: 'ADD everListed :refs',
        ExpressionAttributeValues: { ':refs': refsOf(videos) },
      }),
    );
  }

  /** Marks the job closed, for good (it leaves the dueAt index), and returns every video any version listed. */
  async markClosed(jobId: string, version: number, closedAt: string): Promise<VideoRef[]> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKey(jobId),
        UpdateExpression:
          'SET jobId = :jobId, closed = :true, closedAt = if_not_exists(closedAt, :at), ' +
          'version = if_not_exists(version, :version) REMOVE gsi2pk, gsi2sk',
        ExpressionAttributeValues: { ':jobId': jobId, ':true': true, ':at': closedAt, ':version': version },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return videosOf(stringSet(Attributes?.everListed));
  }

  /** Jobs whose `closesAt` is at or before `nowKey` and not yet announced, oldest first. */
  async dueForExpiry(nowKey: string, limit: number): Promise<{ jobId: string; dueKey: string }[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEXES.dueAt.name,
        KeyConditionExpression: 'gsi2pk = :partition AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':partition': JOB_CLOSES_PARTITION, ':now': `${nowKey}#\uffff` },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => ({ jobId: String(item.jobId), dueKey: String(item.gsi2sk) }));
  }

  /** Takes an announced expiry out of the index, unless a newer version has moved it meanwhile. */
  async clearExpiry(jobId: string, dueKey: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: 'gsi2sk = :due',
          ExpressionAttributeValues: { ':due': dueKey },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
