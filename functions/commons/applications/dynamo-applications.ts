import { BatchGetCommand, PutCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, type Item, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { queryFilteredPage, queryFrom } from '#shared/aws/query-pages.ts';
import { instantKey, instantKeyOfDate } from '#shared/instant.ts';
import {
  APPLICATION_SORT_PREFIX,
  applicantEntryKey,
  applicantPartition,
  applicationIdKey,
  applicationKey,
  employerApplicationsPartition,
  type ItemKey,
  jobClosingKey,
} from '#shared/item-keys.ts';
import { INDEXES } from '#shared/table-design.ts';
import { type Application, nextDueAt } from './application.ts';
import type { ApplicationPage, ApplicationStore, EmployerFilter, ListPosition } from './application-store.ts';

/**
 * Applications in the single table (docs/data-model.md): the item at APPLICATION#<jobId>/PROFILE#<profileId>,
 * on the byEmployer index (the employer's inbox, newest first) and, while something is due, on the dueAt index
 * (an unpublished change a minute on, a year without change); beside it, written once before it, an id pointer
 * and an entry in the applicant's list. The due index is spread over a few partitions, so that a burst of
 * applications does not make one index partition hot.
 */
const DUE_SHARDS = 10;
const DUE_PREFIX = 'APPLICATIONS_DUE#';

/** A stable spread of application ids over the due partitions (FNV-1a). */
const shardOf = (applicationId: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < applicationId.length; index++) {
    hash = Math.imul(hash ^ applicationId.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash % DUE_SHARDS;
};

const STORED: readonly (keyof Application)[] = [
  'applicationId',
  'jobId',
  'profileId',
  'employerId',
  'jobTitle',
  'notifyUrl',
  'applicant',
  'via',
  'submittedAt',
  'updatedAt',
  'status',
  'history',
  'revision',
  'publishedThrough',
];

/** The record of an application item, without its keys; undefined for anything else. */
const applicationOf = (item: Item | undefined): Application | undefined => {
  if (!item || typeof item.status !== 'string' || !Array.isArray(item.history)) return undefined;
  return Object.fromEntries(
    STORED.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  ) as unknown as Application;
};

const employerSortKey = (application: Application): string =>
  `${instantKey(application.submittedAt)}#${application.applicationId}`;

/** The dueAt keys of an application in this state, or none (it leaves the index). */
const dueKeys = (application: Application): { gsi2pk: string; gsi2sk: string } | undefined => {
  const due = nextDueAt(application);
  if (due === undefined) return undefined;
  return {
    gsi2pk: `${DUE_PREFIX}${shardOf(application.applicationId)}`,
    gsi2sk: `${instantKeyOfDate(due)}#${application.applicationId}`,
  };
};

const itemOf = (application: Application): Item => ({
  ...applicationKey(application.jobId, application.profileId),
  ...application,
  gsi3pk: employerApplicationsPartition(application.employerId),
  gsi3sk: employerSortKey(application),
  ...dueKeys(application),
});

/** An update expression part that puts the item on the due index, or takes it off. */
const dueUpdate = (application: Application) => {
  const keys = dueKeys(application);
  return keys
    ? {
        set: ['gsi2pk = :duePartition', 'gsi2sk = :dueKey'],
        remove: [],
        values: { ':duePartition': keys.gsi2pk, ':dueKey': keys.gsi2sk },
      }
    : { set: [], remove: ['gsi2pk', 'gsi2sk'], values: {} };
};

/** `SET …` and `REMOVE …` clauses, each only when it has something. */
const updateExpression = (set: readonly string[], remove: readonly string[]): string =>
  [set.length > 0 ? `SET ${set.join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '']
    .filter((clause) => clause !== '')
    .join(' ');

const BATCH_GET_LIMIT = 100;

/** The key of an item on the byEmployer index: where a page of the inbox goes on from. */
const EMPLOYER_INDEX_KEY = ['pk', 'sk', 'gsi3pk', 'gsi3sk'];

export class DynamoApplications extends DynamoTable implements ApplicationStore {
  async find(jobId: string, profileId: string): Promise<Application | undefined> {
    return applicationOf(await this.getItem(applicationKey(jobId, profileId)));
  }

  async byId(applicationId: string): Promise<Application | undefined> {
    const pointer = await this.getItem(applicationIdKey(applicationId));
    if (typeof pointer?.jobId !== 'string' || typeof pointer.profileId !== 'string') return undefined;
    const application = await this.find(pointer.jobId, pointer.profileId);
    // A pointer written by the loser of a race for the same profile and job names another application.
    return application?.applicationId === applicationId ? application : undefined;
  }

  async create(application: Application): Promise<boolean> {
    const { applicationId, jobId, profileId } = application;
    // The pointers first: a crash after them leaves harmless orphans (readers check the id), never an
    // application that cannot be found by its id or in its applicant's list.
    await Promise.all([
      this.put(applicationIdKey(applicationId), { jobId, profileId }),
      this.put(applicantEntryKey(profileId, instantKey(application.submittedAt), applicationId), {
        jobId,
        profileId,
        applicationId,
      }),
    ]);
    return this.putIfAbsent(applicationKey(jobId, profileId), itemOf(application));
  }

  async replace(application: Application, expectedRevision: number): Promise<boolean> {
    const written = await unlessConditionFails(
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(application),
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      ),
    );
    return written !== undefined;
  }

  async markPublished(application: Application): Promise<void> {
    const through = application.history.length;
    const due = dueUpdate({ ...application, publishedThrough: through });
    const cleared = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: applicationKey(application.jobId, application.profileId),
          UpdateExpression: updateExpression(
            ['publishedThrough = :through', 'revision = :next', ...due.set],
            due.remove,
          ),
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: {
            ':through': through,
            ':next': application.revision + 1,
            ':expected': application.revision,
            ...due.values,
          },
        }),
      ),
    );
    if (cleared) return;
    // A newer change came meanwhile: its own publication moves the due entry; only record what is out.
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: applicationKey(application.jobId, application.profileId),
          UpdateExpression: 'SET publishedThrough = :through ADD revision :one',
          ConditionExpression: 'attribute_exists(pk) AND publishedThrough < :through',
          ExpressionAttributeValues: { ':through': through, ':one': 1 },
        }),
      ),
    );
  }

  async reschedule(application: Application): Promise<void> {
    const due = dueUpdate(application);
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: applicationKey(application.jobId, application.profileId),
          UpdateExpression: updateExpression(due.set, due.remove),
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': application.revision, ...due.values },
        }),
      ),
    );
  }

  async startClosing(jobId: string, at: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobClosingKey(jobId),
        UpdateExpression: 'SET jobId = :job, closingAt = if_not_exists(closingAt, :at)',
        ExpressionAttributeValues: { ':job': jobId, ':at': at },
      }),
    );
  }

  async closingStarted(jobId: string): Promise<boolean> {
    return (await this.getItem(jobClosingKey(jobId))) !== undefined;
  }

  async jobPage(jobId: string, limit: number, afterProfileId?: string) {
    const { pk } = applicationKey(jobId, '');
    const { Items, LastEvaluatedKey } = await this.query(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': APPLICATION_SORT_PREFIX },
        ConsistentRead: true,
        Limit: limit,
      },
      afterProfileId === undefined ? undefined : { ...applicationKey(jobId, afterProfileId) },
    );
    const applications = (Items ?? []).flatMap((item) => applicationOf(item) ?? []);
    const last = LastEvaluatedKey?.sk;
    return typeof last === 'string'
      ? { applications, nextProfileId: last.slice(APPLICATION_SORT_PREFIX.length) }
      : { applications };
  }

  async due(nowKey: string, limit: number) {
    const perShard = Math.max(1, Math.ceil(limit / DUE_SHARDS));
    const pages = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.query({
          IndexName: INDEXES.dueAt.name,
          KeyConditionExpression: 'gsi2pk = :partition AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':partition': `${DUE_PREFIX}${shard}`, ':now': `${nowKey}#\uffff` },
          Limit: perShard,
        }),
      ),
    );
    return pages.flatMap(({ Items }) =>
      (Items ?? []).map((item) => ({ jobId: String(item.jobId), profileId: String(item.profileId) })),
    );
  }

  async byEmployer(
    employerId: string,
    filter: EmployerFilter,
    limit: number,
    after?: ListPosition,
  ): Promise<ApplicationPage> {
    const partition = employerApplicationsPartition(employerId);
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':partition': partition };
    if (filter.jobId !== undefined) {
      conditions.push('jobId = :job');
      values[':job'] = filter.jobId;
    }
    if (filter.status !== undefined) {
      conditions.push('#status = :status');
      values[':status'] = filter.status;
    }
    const page = await queryFilteredPage(
      this.documents,
      {
        TableName: this.tableName,
        IndexName: INDEXES.byEmployer.name,
        KeyConditionExpression: 'gsi3pk = :partition',
        ExpressionAttributeValues: values,
        ...(filter.status !== undefined ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ScanIndexForward: false,
      },
      EMPLOYER_INDEX_KEY,
      limit,
      after && { ...applicationKey(after.jobId, after.profileId), gsi3pk: partition, gsi3sk: after.sortKey },
    );
    const applications = page.items.flatMap((item) => applicationOf(item) ?? []);
    const { next } = page;
    return next
      ? {
          applications,
          next: {
            sortKey: String(next.gsi3sk),
            jobId: String(next.pk).slice('APPLICATION#'.length),
            profileId: String(next.sk).slice(APPLICATION_SORT_PREFIX.length),
          },
        }
      : { applications };
  }

  async byApplicant(profileId: string, limit: number, after?: ListPosition): Promise<ApplicationPage> {
    const partition = applicantPartition(profileId);
    const { Items } = await this.query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit + 1,
      },
      after && { pk: partition, sk: after.sortKey },
    );
    const entries = (Items ?? []).map((item) => ({
      sortKey: String(item.sk),
      jobId: String(item.jobId),
      applicationId: String(item.applicationId),
    }));
    const shown = entries.slice(0, limit);
    const byKey = await this.batchGet(shown.map((entry) => applicationKey(entry.jobId, profileId)));
    const applications = shown.flatMap((entry) => {
      const application = byKey.get(`${entry.jobId}\u0000${profileId}`);
      // An entry left by the loser of a race names an application that is not there.
      return application?.applicationId === entry.applicationId ? [application] : [];
    });
    const last = shown.at(-1);
    return entries.length > limit && last
      ? { applications, next: { sortKey: last.sortKey, jobId: last.jobId, profileId } }
      : { applications };
  }

  private async put(key: ItemKey, attributes: Item): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...key, ...attributes } }));
  }

  private query(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    startKey?: Record<string, unknown>,
  ) {
    return queryFrom(this.documents, { TableName: this.tableName, ...input }, startKey);
  }

  /** Applications by table key, consistently, keyed `jobId\0profileId`; unprocessed keys are asked again. */
  private async batchGet(keys: readonly ItemKey[]): Promise<Map<string, Application>> {
    const found = new Map<string, Application>();
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] = keys
        .slice(start, start + BATCH_GET_LIMIT)
        .map((key) => ({ ...key }));
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(round, 6)));
        const { Responses, UnprocessedKeys } = await this.documents.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          const application = applicationOf(item);
          if (application) found.set(`${application.jobId}\u0000${application.profileId}`, application);
        }
        pending = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }
}
