import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '#shared/item-keys.ts';

/**
 * One notification per application, built once and then only attempted: retries resend the same body to the
 * same url even if the job or the profile changed since (CONTRACT §2: notifications under way keep the
 * notifyUrl they started with).
 */
export interface NotificationRecord {
  readonly applicationId: string;
  readonly jobId: string;
  readonly employerId: string;
  readonly notifyUrl: string;
  /** The exact bytes POSTed on every attempt (they are what the signature covers). */
  readonly body: string;
  readonly builtAt: string;
  /** POSTs made so far, across every message that carried this application. */
  readonly attempts: number;
  readonly outcome?: 'delivered' | 'failed';
  readonly error?: string;
  /** Set once the bus accepted the Delivered/Failed event, so a crash before that announces it again. */
  readonly outcomeAnnounced?: boolean;
}

export type NewNotification = Omit<NotificationRecord, 'attempts' | 'outcome' | 'error' | 'outcomeAnnounced'>;

export interface NotificationStore {
  get(applicationId: string): Promise<NotificationRecord | undefined>;
  /** First writer wins: false when a notification for this application already exists. */
  create(notification: NewNotification): Promise<boolean>;
  /** Counts one more POST and returns the new count. */
  countAttempt(applicationId: string): Promise<number>;
  /** Records the final outcome; undefined when another delivery settled it first. */
  settle(
    applicationId: string,
    outcome: 'delivered' | 'failed',
    error?: string,
  ): Promise<NotificationRecord | undefined>;
  markAnnounced(applicationId: string): Promise<void>;
  /** Makes a failed, announced notification pending again (a message redriven from the DLQ). */
  reopen(applicationId: string): Promise<boolean>;
}

/** Its own key prefix, so it cannot collide with the entities of shared/item-keys.ts. */
export const notificationKey = (applicationId: string): ItemKey => ({
  pk: `NOTIFICATION#${applicationId}`,
  sk: 'NOTIFICATION',
});

const conditionFailed = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(applicationId: string): Promise<NotificationRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: notificationKey(applicationId),
        ConsistentRead: true,
      }),
    );
    return Item as NotificationRecord | undefined;
  }

  async create(notification: NewNotification): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...notificationKey(notification.applicationId), ...notification, attempts: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async countAttempt(applicationId: string): Promise<number> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(applicationId),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts);
  }

  async settle(
    applicationId: string,
    outcome: 'delivered' | 'failed',
    error?: string,
  ): Promise<NotificationRecord | undefined> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(applicationId),
          UpdateExpression:
            error === undefined
              ? 'SET outcome = :outcome, outcomeAnnounced = :false REMOVE #error'
              : 'SET outcome = :outcome, outcomeAnnounced = :false, #error = :error',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outcome)',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues: {
            ':outcome': outcome,
            ':false': false,
            ...(error === undefined ? {} : { ':error': error }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as NotificationRecord;
    } catch (caught) {
      if (conditionFailed(caught)) return undefined;
      throw caught;
    }
  }

  async markAnnounced(applicationId: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(applicationId),
        UpdateExpression: 'SET outcomeAnnounced = :true',
        ConditionExpression: 'attribute_exists(outcome)',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  async reopen(applicationId: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(applicationId),
          UpdateExpression: 'REMOVE outcome, outcomeAnnounced, #error',
          ConditionExpression: 'outcome = :failed AND outcomeAnnounced = :true',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues: { ':failed': 'failed', ':true': true },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
