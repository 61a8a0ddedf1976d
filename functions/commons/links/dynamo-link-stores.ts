import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountStore } from './dynamo-accounts.ts';
import { DynamoJobStore } from './dynamo-jobs.ts';
import { DynamoProfileStore } from './dynamo-profiles.ts';
import { DynamoVideoStore } from './dynamo-videos.ts';
import type { LinkStores } from './link-stores.ts';

/** The link stores on one DynamoDB table. */
export const dynamoLinkStores = (documents: DynamoDBDocumentClient, tableName: string): LinkStores => ({
  videos: new DynamoVideoStore(documents, tableName),
  accounts: new DynamoAccountStore(documents, tableName),
  profiles: new DynamoProfileStore(documents, tableName),
  jobs: new DynamoJobStore(documents, tableName),
});
