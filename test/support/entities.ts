import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord, ProfileRecord } from '#shared/entities.ts';
import { type ItemKey, jobKey, profileKey } from '#shared/item-keys.ts';

/** Job and profile items as the link handlers store them (shared/entities.ts), written straight into the table. */

/** Northwind's published job, unless the test says otherwise. */
const SAMPLE_JOB: Omit<JobRecord, 'jobId'> = {
  version: 1,
  employerId: 'emp_northwind',
  title: 'Brand designer for a coffee roaster refresh',
  notifyUrl: 'https://hooks.northwind.example/contra/applications',
  videos: [{ platform: 'tiktok', videoId: '7399990000000000001' }],
  publishedAt: '2026-11-20T16:00:00Z',
};

/** Maya's profile, unless the test says otherwise (her portfolio url follows the profile id). */
const SAMPLE_PROFILE: Omit<ProfileRecord, 'profileId'> = {
  version: 1,
  handle: 'maya',
  displayName: 'Maya Lindqvist',
  showPortfolioLink: true,
  linkedAccounts: [],
  updatedAt: '2026-11-20T10:00:00Z',
};

const putRecord = async <T extends object>(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: ItemKey,
  record: T,
): Promise<T> => {
  await documents.send(new PutCommand({ TableName: tableName, Item: { ...key, ...record } }));
  return record;
};

type Overrides<T, Id extends keyof T> = Partial<T> & Pick<T, Id>;

export const putJob = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  job: Overrides<JobRecord, 'jobId'>,
): Promise<JobRecord> =>
  putRecord<JobRecord>(documents, tableName, jobKey(job.jobId), { ...SAMPLE_JOB, ...job });

export const putProfile = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  profile: Overrides<ProfileRecord, 'profileId'>,
): Promise<ProfileRecord> =>
  putRecord<ProfileRecord>(documents, tableName, profileKey(profile.profileId), {
    ...SAMPLE_PROFILE,
    portfolioUrl: `https://contra.com/${profile.profileId}`,
    ...profile,
  });

let counter = 0;
/** A fresh id per test, so tests sharing a table never see each other's items. */
export const uniqueId = (prefix: string): string => `${prefix}_${process.pid}_${++counter}`;
