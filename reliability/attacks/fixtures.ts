import type { AccountRef, VideoRef } from '#events/fields.ts';
import { DynamoJobStore } from '#links/dynamo-jobs.ts';
import { DynamoProfileStore } from '#links/dynamo-profiles.ts';
import { eventually } from '../../local/testing/eventually.ts';
import type { HistoryEvent } from '../links-from-history.ts';
import { namesOf } from '../personal-values.ts';
import { replay } from '../replay.ts';
import type { SystemUnderTest } from '../system-under-test.ts';

/** A live profile's first version, listing the given accounts. */
export const firstProfileVersion = (
  profileId: string,
  linkedAccounts: readonly AccountRef[] = [],
  now = new Date().toISOString(),
): HistoryEvent => ({
  detailType: 'Profile Updated',
  detail: {
    profileId,
    version: 1,
    ...namesOf(profileId),
    portfolioUrl: `https://contra.com/${profileId}`,
    showPortfolioLink: true,
    linkedAccounts: [...linkedAccounts],
    updatedAt: now,
  },
});

/** A live profile (an applicant) and jobs with the given notify urls, put on the bus and awaited in the store. */
export const seedApplicantAndJobs = async (
  system: SystemUnderTest,
  profileId: string,
  jobs: readonly {
    readonly jobId: string;
    readonly notifyUrl: string;
    readonly employerId?: string;
    readonly videos?: readonly VideoRef[];
  }[],
): Promise<void> => {
  const now = new Date().toISOString();
  const events: HistoryEvent[] = [
    firstProfileVersion(profileId, [], now),
    ...jobs.map(
      ({ jobId, notifyUrl, employerId, videos }): HistoryEvent => ({
        detailType: 'Job Published',
        detail: {
          jobId,
          version: 1,
          employerId: employerId ?? 'employer-hostile',
          title: `Job ${jobId}`,
          notifyUrl,
          videos: [...(videos ?? [])],
          publishedAt: now,
        },
      }),
    ),
  ];
  await replay(
    system.eventBridge,
    system.busName,
    events.map((event) => ({ kind: 'event', event })),
  );
  const profiles = new DynamoProfileStore(system.documents, system.tableName);
  const jobStore = new DynamoJobStore(system.documents, system.tableName);
  await eventually(async () => ((await profiles.read(profileId)) ? true : undefined), {
    timeoutMs: 60_000,
    what: `profile ${profileId} stored`,
  });
  for (const { jobId } of jobs) {
    await eventually(async () => ((await jobStore.read(jobId)) ? true : undefined), {
      timeoutMs: 60_000,
      what: `job ${jobId} stored`,
    });
  }
};
