import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Application, type NewApplication, submitted } from '#applications/application.ts';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import type { JobRecord, ProfileRecord } from '#shared/entities.ts';
import { type ItemKey, jobKey, profileKey } from '#shared/item-keys.ts';

/** Job and profile items as the link handlers store them (shared/entities.ts), written straight into the table. */

/** Northwind's published job, unless the test says otherwise. */
const SAMPLE_JOB = {
  version: 1,
  employerId: 'emp_northwind',
  title: 'Brand designer for a coffee roaster refresh',
  notifyUrl: 'https://hooks.northwind.example/contra/applications',
  videos: [{ platform: 'tiktok', videoId: '7399990000000000001' }],
  publishedAt: '2026-11-20T16:00:00Z',
} satisfies Omit<JobRecord, 'jobId'>;

/** Maya's profile, unless the test says otherwise (her portfolio url follows the profile id). */
const SAMPLE_PROFILE = {
  version: 1,
  handle: 'maya',
  displayName: 'Maya Lindqvist',
  showPortfolioLink: true,
  linkedAccounts: [],
  updatedAt: '2026-11-20T10:00:00Z',
} satisfies Omit<ProfileRecord, 'profileId'>;

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

/** A submitted application as the rules make it, not stored: the ids and values the unit tests name. */
export const sampleApplication = (application: Partial<NewApplication> = {}): Application =>
  submitted({
    applicationId: 'app_1',
    jobId: 'job_1',
    profileId: 'prof_1',
    employerId: 'emp_1',
    jobTitle: 'Designer',
    notifyUrl: 'https://hooks.example/app',
    applicant: {
      profileId: 'prof_1',
      handle: 'maya',
      displayName: 'Maya',
      portfolioUrl: 'https://contra.com/maya',
    },
    via: { platform: 'tiktok', videoId: '1' },
    submittedAt: '2026-11-21T18:30:00Z',
    ...application,
  });

/** Writes a submitted application as the apply flow stores it (its events counted as published). */
export const putApplication = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  application: Partial<Application> = {},
): Promise<Application> => {
  const profileId = application.profileId ?? uniqueId('prof');
  const record: Application = {
    ...submitted({
      applicationId: uniqueId('app'),
      jobId: uniqueId('job'),
      profileId,
      employerId: SAMPLE_JOB.employerId,
      jobTitle: SAMPLE_JOB.title,
      notifyUrl: SAMPLE_JOB.notifyUrl,
      applicant: {
        profileId,
        handle: SAMPLE_PROFILE.handle,
        displayName: SAMPLE_PROFILE.displayName,
        portfolioUrl: `https://contra.com/${profileId}`,
      },
      submittedAt: '2026-11-21T18:30:00Z',
    }),
    publishedThrough: 1,
    ...application,
  };
  if (!(await new DynamoApplications(documents, tableName).create(record))) {
    throw new Error(`application ${record.applicationId} exists already`);
  }
  return record;
};

let counter = 0;
/** A fresh id per test, so tests sharing a table never see each other's items. */
export const uniqueId = (prefix: string): string => `${prefix}_${process.pid}_${++counter}`;
