import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord, ProfileRecord } from '#shared/entities.ts';
import { type ItemKey, jobKey, profileKey } from '#shared/item-keys.ts';

/** Writes job and profile items as the link handlers store them (shared/entities.ts), straight into the table. */
const putRecord = async <T extends object>(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: ItemKey,
  record: T,
): Promise<T> => {
  await documents.send(new PutCommand({ TableName: tableName, Item: { ...key, ...record } }));
  return record;
};

export const putJob = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  job: Partial<JobRecord> & Pick<JobRecord, 'jobId'>,
): Promise<JobRecord> =>
  putRecord<JobRecord>(documents, tableName, jobKey(job.jobId), {
    version: 1,
    employerId: 'emp_northwind',
    title: 'Brand designer for a coffee roaster refresh',
    notifyUrl: 'https://hooks.northwind.example/contra/applications',
    videos: [{ platform: 'tiktok', videoId: '7399990000000000001' }],
    publishedAt: '2026-11-20T16:00:00Z',
    ...job,
  });

export const putProfile = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  profile: Partial<ProfileRecord> & Pick<ProfileRecord, 'profileId'>,
): Promise<ProfileRecord> =>
  putRecord<ProfileRecord>(documents, tableName, profileKey(profile.profileId), {
    version: 1,
    handle: 'maya',
    displayName: 'Maya Lindqvist',
    portfolioUrl: `https://contra.com/${profile.profileId}`,
    showPortfolioLink: true,
    linkedAccounts: [],
    updatedAt: '2026-11-20T10:00:00Z',
    ...profile,
  });

let counter = 0;
/** A fresh id per test, so tests sharing a table never see each other's items. */
export const uniqueId = (prefix: string): string => `${prefix}_${process.pid}_${++counter}`;
