import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ApplicationStatus } from '#events/fields.ts';
import { DynamoTable, equalities, type Item, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { queryFilteredPage, queryFrom } from '#shared/aws/query-pages.ts';
import { instantKey } from '#shared/instant.ts';
import {
  APPLICATION_SORT_PREFIX,
  applicantEntryKey,
  applicantPartition,
  applicationIdKey,
  applicationKey,
  employerApplicationsPartition,
  erasureKey,
  type ItemKey,
  jobClosingKey,
} from '#shared/item-keys.ts';
import { INDEXES } from '#shared/table-design.ts';
import { type Application, retainedOf } from './application.ts';
import { applicationOf, DUE_PREFIX, DUE_SHARDS, dueValues, itemOf, SET_DUE } from './application-items.ts';
import type { ApplicationPage, ApplicationStore, EmployerFilter, ListPosition } from './application-store.ts';

const BATCH_GET_LIMIT = 100;

/** The key of an item on the byEmployer index: where a page of the inbox goes on from. */
const EMPLOYER_INDEX_KEY = ['pk', 'sk', 'gsi3pk', 'gsi3sk'];

/**
 * Applications in the single table (docs/data-model.md): the item at APPLICATION#<jobId>/PROFILE#<profileId>,
 * on the byEmployer and dueAt indexes (application-items.ts); beside it, written once before it, an id pointer
 * and an entry in the applicant's list; the job's closing mark and the profile's erasure mark.
 */
export class DynamoApplications extends DynamoTable implements ApplicationStore {
  /** One conditional update of an application's item; undefined when its condition fails. */
  private updateApplication(
    application: Pick<Application, 'jobId' | 'profileId'>,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues' | 'ReturnValues'
    >,
  ) {
    return unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: applicationKey(application.jobId, application.profileId),
          ...update,
        }),
      ),
    );
  }

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
    const cleared = await this.updateApplication(application, {
      UpdateExpression: `SET publishedThrough = :through, revision = :next, ${SET_DUE}`,
      ConditionExpression: 'revision = :expected',
      ExpressionAttributeValues: {
        ':through': through,
        ':next': application.revision + 1,
        ':expected': application.revision,
        ...dueValues({ ...application, publishedThrough: through }),
      },
    });
    if (cleared) return;
    // A newer change came meanwhile: its own publication moves the due entry; only record what is out.
    await this.updateApplication(application, {
      UpdateExpression: 'SET publishedThrough = :through ADD revision :one',
      ConditionExpression: 'attribute_exists(pk) AND publishedThrough < :through',
      ExpressionAttributeValues: { ':through': through, ':one': 1 },
    });
  }

  async reschedule(application: Application): Promise<void> {
    await this.updateApplication(application, {
      UpdateExpression: `SET ${SET_DUE}`,
      ConditionExpression: 'revision = :expected',
      ExpressionAttributeValues: { ':expected': application.revision, ...dueValues(application) },
    });
  }

  async findRetained(jobId: string, profileId: string) {
    const item = await this.getItem(applicationKey(jobId, profileId));
    const whole = applicationOf(item);
    if (whole || !item || typeof item.status !== 'string') return whole;
    return {
      applicationId: String(item.applicationId),
      jobId,
      profileId,
      status: item.status as ApplicationStatus,
    };
  }

  async shrink(application: Application): Promise<boolean> {
    const { applicationId, jobId, profileId } = application;
    // The applicant's list entry first (it holds when it was submitted): a crash after it leaves the
    // application due, and the next sweep shrinks it.
    await this.documents.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: applicantEntryKey(profileId, instantKey(application.submittedAt), applicationId),
      }),
    );
    // Its keys and four attributes only: off both indexes, nothing personal, no revision (nothing changes it).
    const written = await unlessConditionFails(
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...applicationKey(jobId, profileId), ...retainedOf(application) },
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': application.revision },
        }),
      ),
    );
    return written !== undefined;
  }

  async startClosing(jobId: string, at: string): Promise<void> {
    await this.setMark(jobClosingKey(jobId), { name: 'jobId', value: jobId }, 'closingAt', at);
  }

  async closingStarted(jobId: string): Promise<boolean> {
    return (await this.getItem(jobClosingKey(jobId))) !== undefined;
  }

  async startErasure(profileId: string, at: string): Promise<void> {
    await this.setMark(erasureKey(profileId), { name: 'profileId', value: profileId }, 'erasedAt', at);
  }

  async erasureStarted(profileId: string): Promise<boolean> {
    return (await this.getItem(erasureKey(profileId))) !== undefined;
  }

  async markErasureAnnounced(application: Application): Promise<void> {
    // No revision check (the event is out whatever changed since), but a bump: a writer that read the
    // application before this must read it again rather than put the flag back to unset.
    await this.updateApplication(application, {
      UpdateExpression: 'SET erasureAnnounced = :true ADD revision :one',
      ConditionExpression: 'attribute_exists(erasedAt)',
      ExpressionAttributeValues: { ':true': true, ':one': 1 },
    });
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
    const filters = equalities({ jobId: filter.jobId, status: filter.status });
    const page = await queryFilteredPage(
      this.documents,
      {
        TableName: this.tableName,
        IndexName: INDEXES.byEmployer.name,
        KeyConditionExpression: 'gsi3pk = :partition',
        ExpressionAttributeValues: { ':partition': partition, ...filters.values },
        ...(filters.terms.length > 0
          ? { ExpressionAttributeNames: filters.names, FilterExpression: filters.terms.join(' AND ') }
          : {}),
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
    // The loser of a race for the same job leaves a second entry naming the same item: ask for it once
    // (BatchGetItem refuses duplicate keys).
    const jobIds = [...new Set(shown.map((entry) => entry.jobId))];
    const byKey = await this.batchGet(jobIds.map((jobId) => applicationKey(jobId, profileId)));
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

  /** A mark that something started (a job's closing, a profile's erasure): idempotent, its first instant kept. */
  private async setMark(key: ItemKey, id: { name: string; value: string }, atName: string, at: string) {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #id = :id, #at = if_not_exists(#at, :at)',
        ExpressionAttributeNames: { '#id': id.name, '#at': atName },
        ExpressionAttributeValues: { ':id': id.value, ':at': at },
      }),
    );
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
