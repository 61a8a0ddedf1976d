import type { Item } from '#shared/aws/dynamo.ts';
import { instantKey, instantKeyOfDate } from '#shared/instant.ts';
import { applicationKey, employerApplicationsPartition } from '#shared/item-keys.ts';
import { bucketOf } from '#shared/spread.ts';
import { type Application, nextDueAt } from './application.ts';

/**
 * How an application is laid out as an item of the single table (docs/data-model.md): its attributes, its
 * byEmployer keys (the employer's inbox, newest first) and its dueAt keys (when the sweep looks at it again:
 * an unpublished change a minute on, a year without change, the end of its retention). The due index is spread
 * over a few partitions, so that a burst of applications does not make one index partition hot.
 */
export const DUE_SHARDS = 10;
export const DUE_PREFIX = 'APPLICATIONS_DUE#';

const STORED: readonly (keyof Application)[] = [
  'applicationId',
  'jobId',
  'profileId',
  'employerId',
  'jobTitle',
  'notifyUrl',
  'applicant',
  'via',
  'submittedAt',
  'updatedAt',
  'status',
  'history',
  'revision',
  'publishedThrough',
  'erasedAt',
  'erasureAnnounced',
];

/** The record of an application item, without its keys; undefined for anything else. */
export const applicationOf = (item: Item | undefined): Application | undefined => {
  if (!item || typeof item.status !== 'string' || !Array.isArray(item.history)) return undefined;
  return Object.fromEntries(
    STORED.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  ) as unknown as Application;
};

const employerSortKey = (application: Application): string =>
  `${instantKey(application.submittedAt)}#${application.applicationId}`;

/** The dueAt keys of an application in this state: every application is due again some day (nextDueAt). */
const dueKeys = (application: Application): { gsi2pk: string; gsi2sk: string } => ({
  gsi2pk: `${DUE_PREFIX}${bucketOf(application.applicationId, DUE_SHARDS)}`,
  gsi2sk: `${instantKeyOfDate(nextDueAt(application))}#${application.applicationId}`,
});

export const itemOf = (application: Application): Item => ({
  ...applicationKey(application.jobId, application.profileId),
  ...application,
  gsi3pk: employerApplicationsPartition(application.employerId),
  gsi3sk: employerSortKey(application),
  ...dueKeys(application),
});

/** The update expression values that move the item on the due index. */
export const dueValues = (application: Application) => {
  const keys = dueKeys(application);
  return { ':duePartition': keys.gsi2pk, ':dueKey': keys.gsi2sk };
};
export const SET_DUE = 'gsi2pk = :duePartition, gsi2sk = :dueKey';
