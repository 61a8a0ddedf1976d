import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_REGION } from '../local-account.ts';

/** The credentials a client outside the stack signs with locally (dynalite checks none). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The configuration of an SDK client of a local endpoint: the stack's port, its DynamoDB, a dynalite. */
export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});

/** The document client over `client`, marshalling as the handlers' does (shared/aws/dynamo.ts). */
export const documentsOf = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** A document client of a local DynamoDB endpoint. */
export const localDocumentClient = (endpoint: string, config: DynamoDBClientConfig = {}) =>
  documentsOf(new DynamoDBClient({ ...localClientConfig(endpoint), ...config }));
