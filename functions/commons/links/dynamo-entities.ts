import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EntityReader, JobRecord, ProfileRecord } from '#shared/entities.ts';
import { jobKey, profileKey } from '#shared/item-keys.ts';

/** Reads of single entities, strongly consistent (a viewer applying right after a publish must see it). */
export class DynamoEntityReader implements EntityReader {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async job(jobId: string): Promise<JobRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(jobId), ConsistentRead: true }),
    );
    return Item as JobRecord | undefined;
  }

  async profile(profileId: string): Promise<ProfileRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(profileId), ConsistentRead: true }),
    );
    return Item as ProfileRecord | undefined;
  }
}
