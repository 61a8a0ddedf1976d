import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, type Item, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { queryFilteredPage, queryFrom } from '#shared/aws/query-pages.ts';
import { instantKey } from '#shared/instant.ts';
import { employerDeliveriesPartition, notificationKey } from '#shared/item-keys.ts';
import { INDEXES } from '#shared/table-design.ts';
import { NOTIFICATION_KINDS, type NotificationKind } from './notification.ts';
import type {
  DeliveryAttempt,
  DeliveryPosition,
  DeliveryState,
  NewNotification,
  NotificationRecord,
  NotificationStore,
} from './notification-store.ts';

/** The delivery log keeps 30 days after a notification's latest attempt (CONTRACT §6). */
const KEPT_SECONDS = 30 * 86_400;
/** Attempts logged per notification: retries are bounded, employer retries are not; the count goes on. */
const MAX_LOGGED_ATTEMPTS = 100;

const expiresAfter = (instant: string): number => Math.floor(Date.parse(instant) / 1000) + KEPT_SECONDS;

const deliverySortKey = (instant: string, webhookId: string): string => `${instantKey(instant)}#${webhookId}`;

const DELIVERY_INDEX_KEY = ['pk', 'sk', 'gsi3pk', 'gsi3sk'];

const recordOf = (item: Item | undefined): NotificationRecord | undefined => {
  if (!item || typeof item.kind !== 'string') return undefined;
  const { pk: _pk, sk: _sk, gsi3pk: _partition, gsi3sk: _sort, ...record } = item;
  return { attemptLog: [], ...record } as unknown as NotificationRecord;
};

const kindOfSortKey = (sk: unknown): NotificationKind | undefined =>
  NOTIFICATION_KINDS.find((kind) => notificationKey('', kind).sk === sk);

export class DynamoNotificationStore extends DynamoTable implements NotificationStore {
  async get(applicationId: string, kind: NotificationKind): Promise<NotificationRecord | undefined> {
    return recordOf(await this.getItem(notificationKey(applicationId, kind)));
  }

  async ofApplication(applicationId: string): Promise<NotificationRecord[]> {
    const { Items } = await queryFrom(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': notificationKey(applicationId, 'received').pk },
      ConsistentRead: true,
    });
    return (Items ?? []).flatMap((item) => recordOf(item) ?? []);
  }

  create(notification: NewNotification): Promise<boolean> {
    return this.putIfAbsent(notificationKey(notification.applicationId, notification.kind), {
      ...notification,
      attempts: 0,
      attemptLog: [],
      expiresAt: expiresAfter(notification.builtAt),
      gsi3pk: employerDeliveriesPartition(notification.employerId),
      gsi3sk: deliverySortKey(notification.builtAt, notification.webhookId),
    });
  }

  async recordAttempt(
    { applicationId, kind, webhookId }: Pick<NotificationRecord, 'applicationId' | 'kind' | 'webhookId'>,
    attempt: DeliveryAttempt,
    nextAttemptAt?: string,
  ): Promise<number> {
    const update = (logged: boolean): UpdateCommandInput => ({
      TableName: this.tableName,
      Key: notificationKey(applicationId, kind),
      UpdateExpression: [
        'SET lastAttemptAt = :at, expiresAt = :expires, gsi3sk = :sort',
        logged ? ', attemptLog = list_append(attemptLog, :attempt)' : '',
        nextAttemptAt === undefined ? ' REMOVE nextAttemptAt' : ', nextAttemptAt = :next',
        ' ADD attempts :one',
      ].join(''),
      ConditionExpression: logged ? 'size(attemptLog) < :cap' : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':at': attempt.at,
        ':expires': expiresAfter(attempt.at),
        ':sort': deliverySortKey(attempt.at, webhookId),
        ':one': 1,
        ...(logged ? { ':attempt': [attempt], ':cap': MAX_LOGGED_ATTEMPTS } : {}),
        ...(nextAttemptAt === undefined ? {} : { ':next': nextAttemptAt }),
      },
      ReturnValues: 'UPDATED_NEW',
    });
    const result =
      (await unlessConditionFails(this.documents.send(new UpdateCommand(update(true))))) ??
      (await this.documents.send(new UpdateCommand(update(false))));
    return Number(result.Attributes?.attempts);
  }

  async settle(
    applicationId: string,
    kind: NotificationKind,
    outcome: 'delivered' | 'failed',
    error?: string,
  ): Promise<NotificationRecord | undefined> {
    const settled = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(applicationId, kind),
          UpdateExpression:
            error === undefined
              ? 'SET outcome = :outcome, outcomeAnnounced = :false REMOVE #error, nextAttemptAt'
              : 'SET outcome = :outcome, outcomeAnnounced = :false, #error = :error REMOVE nextAttemptAt',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outcome)',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues: {
            ':outcome': outcome,
            ':false': false,
            ...(error === undefined ? {} : { ':error': error }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return recordOf(settled?.Attributes);
  }

  async markAnnounced(applicationId: string, kind: NotificationKind): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(applicationId, kind),
        UpdateExpression: 'SET outcomeAnnounced = :true',
        ConditionExpression: 'attribute_exists(outcome)',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  async reopen(applicationId: string, kind: NotificationKind): Promise<boolean> {
    const reopened = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(applicationId, kind),
          UpdateExpression: 'REMOVE outcome, outcomeAnnounced, #error',
          ConditionExpression: 'outcome = :failed AND outcomeAnnounced = :true',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues: { ':failed': 'failed', ':true': true },
        }),
      ),
    );
    return reopened !== undefined;
  }

  async reopenForRetry(applicationId: string, kind: NotificationKind): Promise<void> {
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(applicationId, kind),
          UpdateExpression: 'REMOVE outcome, outcomeAnnounced, #error, nextAttemptAt',
          ConditionExpression: 'attribute_exists(outcome)',
          ExpressionAttributeNames: { '#error': 'error' },
        }),
      ),
    );
  }

  async byEmployer(
    employerId: string,
    state: DeliveryState | undefined,
    now: Date,
    limit: number,
    after?: DeliveryPosition,
  ) {
    const partition = employerDeliveriesPartition(employerId);
    const stateFilter =
      state === undefined
        ? ''
        : state === 'pending'
          ? ' AND attribute_not_exists(outcome)'
          : ' AND outcome = :state';
    const page = await queryFilteredPage(
      this.documents,
      {
        TableName: this.tableName,
        IndexName: INDEXES.byEmployer.name,
        KeyConditionExpression: 'gsi3pk = :partition',
        // TTL removes expired records up to two days late: they are gone for readers at once.
        FilterExpression: `expiresAt > :now${stateFilter}`,
        ExpressionAttributeValues: {
          ':partition': partition,
          ':now': Math.floor(now.getTime() / 1000),
          ...(state === undefined || state === 'pending' ? {} : { ':state': state }),
        },
        ScanIndexForward: false,
      },
      DELIVERY_INDEX_KEY,
      limit,
      after && {
        ...notificationKey(after.applicationId, after.kind),
        gsi3pk: partition,
        gsi3sk: after.sortKey,
      },
    );
    const records = page.items.flatMap((item) => recordOf(item) ?? []);
    const kind = kindOfSortKey(page.next?.sk);
    return page.next && kind
      ? {
          records,
          next: {
            sortKey: String(page.next.gsi3sk),
            applicationId: String(page.next.pk).slice('NOTIFICATION#'.length),
            kind,
          },
        }
      : { records };
  }
}
