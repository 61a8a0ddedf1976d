import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobPublished } from '#events/catalog.ts';
import type { VideoRef } from '#events/fields.ts';
import { unlessConditionFails } from '#shared/aws/dynamo.ts';
import type { JobRecord } from '#shared/entities.ts';
import { instantKey } from '#shared/instant.ts';
import { jobKey } from '#shared/item-keys.ts';
import { INDEXES } from '#shared/table-design.ts';
import { VersionedItems, type VersionedItemsDesign } from './dynamo-versioned-items.ts';
import type { JobStore, StoredJob } from './link-stores.ts';
import { videoRefs } from './refs.ts';

/** The dueAt index partition of jobs whose `closesAt` has not been announced yet. */
const JOB_CLOSES_PARTITION = 'JOB_CLOSES';

const JOB_ITEMS: VersionedItemsDesign<VideoRef> = {
  keyOf: jobKey,
  idAttribute: 'jobId',
  // The dueAt index keys; a closed job leaves the index, so its expiry is never announced.
  internal: ['gsi2pk', 'gsi2sk'],
  final: { flag: 'closed', at: 'closedAt' },
  refs: videoRefs,
};

export class DynamoJobStore extends VersionedItems<JobRecord, VideoRef> implements JobStore {
  constructor(documents: DynamoDBDocumentClient, tableName: string) {
    super(documents, tableName, JOB_ITEMS);
  }

  /** Marks the job closed, for good (it leaves the dueAt index), and returns every video any version listed. */
  markClosed(jobId: string, version: number, closedAt: string): Promise<VideoRef[]> {
    return this.markFinal(jobId, version, closedAt);
  }

  /**
   * Compare-and-set on the version read, as for profiles. A job whose `closesAt` is still ahead (at `nowKey`)
   * joins the dueAt index, so its expiry is announced when it comes; one already past is announced by the
   * candidates this version writes next (they see it expired), so a link it never opened is never closed.
   */
  replaceIfUnchanged(
    job: JobPublished,
    expected: StoredJob | undefined,
    everListed: readonly VideoRef[],
    nowKey: string,
  ): Promise<boolean> {
    const closesAtKey = job.closesAt ? instantKey(job.closesAt) : undefined;
    const due =
      closesAtKey !== undefined && closesAtKey > nowKey
        ? { gsi2pk: JOB_CLOSES_PARTITION, gsi2sk: `${closesAtKey}#${job.jobId}` }
        : {};
    return this.replace(job.jobId, job, expected, everListed, due);
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
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: 'gsi2sk = :due',
          ExpressionAttributeValues: { ':due': dueKey },
        }),
      ),
    );
  }
}
