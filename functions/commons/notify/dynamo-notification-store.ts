import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { notificationKey } from '#shared/item-keys.ts';
import type { NewNotification, NotificationRecord, NotificationStore } from './notification-store.ts';

export class DynamoNotificationStore extends DynamoTable implements NotificationStore {
  async get(applicationId: string): Promise<NotificationRecord | undefined> {
    return (await this.getItem(notificationKey(applicationId))) as NotificationRecord | undefined;
  }

  create(notification: NewNotification): Promise<boolean> {
    return this.putIfAbsent(notificationKey(notification.applicationId), { ...notification, attempts: 0 });
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
    const settled = await unlessConditionFails(
      this.documents.send(
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
      ),
    );
    return settled?.Attributes as NotificationRecord | undefined;
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
    const reopened = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(applicationId),
          UpdateExpression: 'REMOVE outcome, outcomeAnnounced, #error',
          ConditionExpression: 'outcome = :failed AND outcomeAnnounced = :true',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues: { ':failed': 'failed', ':true': true },
        }),
      ),
    );
    return reopened !== undefined;
  }
}
