import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/aws/dynamo.ts';
import { notificationKey } from '#shared/item-keys.ts';
import type { NewNotification, NotificationRecord, NotificationStore } from './notification-store.ts';

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
      if (isConditionFailure(error)) return false;
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
      if (isConditionFailure(caught)) return undefined;
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
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
