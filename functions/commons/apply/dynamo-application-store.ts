import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VideoRef } from '#events/fields.ts';
import { applicationKey } from '#shared/item-keys.ts';

/** One application per profile and job, ever; its id is generated once, by the first writer. */
export interface ApplicationRecord {
  readonly applicationId: string;
  readonly jobId: string;
  readonly profileId: string;
  readonly submittedAt: string;
  readonly via?: VideoRef;
  /**
   * Set once the bus accepted Application Submitted. A crash between the write and the publish leaves it
   * unset, and the next request for the same application publishes again.
   */
  readonly published: boolean;
}

export interface ApplicationStore {
  find(jobId: string, profileId: string): Promise<ApplicationRecord | undefined>;
  /** First writer wins: false when this profile already applied to this job. */
  create(application: ApplicationRecord): Promise<boolean>;
  markPublished(jobId: string, profileId: string): Promise<void>;
}

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
      if (error instanceof ConditionalCheckFailedException) return false;
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
