import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/aws/dynamo.ts';
import { applicationKey } from '#shared/item-keys.ts';
import type { ApplicationRecord, ApplicationStore } from './application-store.ts';

export class DynamoApplicationStore implements ApplicationStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(jobId: string, profileId: string): Promise<ApplicationRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: applicationKey(jobId, profileId),
        ConsistentRead: true,
      }),
    );
    return Item as ApplicationRecord | undefined;
  }

  async create(application: ApplicationRecord): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...applicationKey(application.jobId, application.profileId), ...application },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markPublished(jobId: string, profileId: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: applicationKey(jobId, profileId),
        UpdateExpression: 'SET published = :true',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }
}
