import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable } from '#shared/aws/dynamo.ts';
import { applicationKey } from '#shared/item-keys.ts';
import type { ApplicationRecord, ApplicationStore } from './application-store.ts';

export class DynamoApplicationStore extends DynamoTable implements ApplicationStore {
  async find(jobId: string, profileId: string): Promise<ApplicationRecord | undefined> {
    return (await this.getItem(applicationKey(jobId, profileId))) as ApplicationRecord | undefined;
  }

  create(application: ApplicationRecord): Promise<boolean> {
    return this.putIfAbsent(applicationKey(application.jobId, application.profileId), { ...application });
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
