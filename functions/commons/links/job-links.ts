import { EVENTS, type JobClosed, type JobPublished } from '#events/catalog.ts';
import type { VideoRef } from '#events/fields.ts';
import type { JobRecord } from '#shared/entities.ts';
import { instantKey } from '#shared/instant.ts';
import { convergeToLatest } from './converge.ts';
import { type Delivery, FIRST_DELIVERY } from './delivery.ts';
import { applyChanged } from './link-changes.ts';
import type { LinkContext } from './link-context.ts';
import { type ApplyCandidate, closedCandidate, linksOf } from './links.ts';

const sameVideo = (a: VideoRef, b: VideoRef): boolean => a.platform === b.platform && a.videoId === b.videoId;

const candidateOf = (job: JobRecord, video: VideoRef): ApplyCandidate => ({
  jobId: job.jobId,
  version: job.version,
  listed: (job.videos ?? []).some((listed) => sameVideo(listed, video)),
  closed: false,
  publishedAtKey: instantKey(job.publishedAt ?? '0000-01-01T00:00:00Z'),
  ...(job.closesAt ? { closesAtKey: instantKey(job.closesAt) } : {}),
});

/**
 * Puts a job's candidate entry on one video: write it, note it on the video item, then read the video's
 * partition and announce the apply link change it made (from the entry it replaced to what the partition holds now). Writing first closes the
 * race with a concurrent Video Posted, as for accounts. An entry already at a newer version (or closed) is not
 * written; one at this version is written again and announces only on a redelivery, which may be the retry of
 * an attempt that wrote and stopped before announcing.
 */
const putCandidate = async (
  context: LinkContext,
  video: VideoRef,
  candidate: ApplyCandidate,
  delivery: Delivery,
): Promise<void> => {
  const written = await context.videos.writeCandidate(video, candidate);
  if (!written.applied) return;
  const repeated = written.previous?.version === candidate.version;
  if (repeated && !delivery.redelivered) return;
  // Before the read: a Video Posted that misses the note wrote before it, so this read sees that post.
  await context.videos.noteCandidates(video);
  const partition = await context.videos.partition(video.platform, video.videoId);
  const inputs = {
    video: partition.video,
    account: undefined,
    nowKey: context.nowKey(),
    publicBaseUrl: context.publicBaseUrl,
  };
  const others = partition.candidates.filter((existing) => existing.jobId !== candidate.jobId);
  const before = linksOf({
    ...inputs,
    candidates: repeated || written.previous === undefined ? others : [...others, written.previous],
  }).apply;
  const after = linksOf({ ...inputs, candidates: partition.candidates }).apply;
  const change = applyChanged(video, before, after);
  if (change) await context.announce([change]);
};

const putCandidates = (
  context: LinkContext,
  videos: readonly VideoRef[],
  candidateFor: (video: VideoRef) => ApplyCandidate,
  delivery: Delivery,
) => Promise.all(videos.map((video) => putCandidate(context, video, candidateFor(video), delivery)));

const closeCandidates = async (
  context: LinkContext,
  jobId: string,
  videos: readonly VideoRef[],
  delivery: Delivery,
): Promise<void> => {
  await Promise.all(
    videos.map(async (video) => {
      const partition = await context.videos.partition(video.platform, video.videoId);
      // No entry yet: a writer still holding an older view of the job closes it itself when its
      // compare-and-set fails on the closed job.
      if (!partition.candidates.some((existing) => existing.jobId === jobId)) return;
      await putCandidate(context, video, closedCandidate(jobId), delivery);
    }),
  );
};

/** Job Published: candidates on every video any version listed converge to the latest version. */
export const applyJobPublished = (
  context: LinkContext,
  job: JobPublished,
  delivery: Delivery = FIRST_DELIVERY,
): Promise<void> =>
  convergeToLatest<JobRecord, VideoRef>({
    describe: `job ${job.jobId}`,
    incoming: job,
    listed: job.videos,
    sameRef: sameVideo,
    isFinal: (record) => record.closed === true,
    read: () => context.jobs.read(job.jobId),
    replaceIfUnchanged: (expected, everListed) =>
      context.jobs.replaceIfUnchanged(job, expected, everListed, context.nowKey()),
    addEverListed: (videos) => context.jobs.addEverListed(job.jobId, videos),
    project: async (videos, record) => {
      await putCandidates(context, videos, (video) => candidateOf(record, video), delivery);
    },
    finalize: (videos) => closeCandidates(context, job.jobId, videos, delivery),
  });

/** Job Closed: final, whatever its version. */
export const applyJobClosed = async (
  context: LinkContext,
  closed: JobClosed,
  delivery: Delivery = FIRST_DELIVERY,
): Promise<void> => {
  const everListed = await context.jobs.markClosed(closed.jobId, closed.version, closed.closedAt);
  await closeCandidates(context, closed.jobId, everListed, delivery);
};

/**
 * Jobs whose `closesAt` has passed stop being live at that instant (links are evaluated when read); this
 * announces it, run every minute by a schedule. Bounded work per run: the rest waits for the next minute.
 */
export const announceExpiredJobs = async (context: LinkContext, maxJobs = 100): Promise<number> => {
  const due = await context.jobs.dueForExpiry(context.nowKey(), maxJobs);
  for (const { jobId, dueKey } of due) {
    const stored = await context.jobs.read(jobId);
    if (stored && !stored.record.closed) {
      await Promise.all(
        (stored.record.videos ?? []).map(async (video) => {
          const partition = await context.videos.partition(video.platform, video.videoId);
          const inputs = { video: partition.video, account: undefined, publicBaseUrl: context.publicBaseUrl };
          // Before: as if the job were still open; after: now.
          const stillOpen = partition.candidates.map((candidate) => {
            if (candidate.jobId !== jobId) return candidate;
            const { closesAtKey: _expired, ...open } = candidate;
            return open;
          });
          const nowKey = context.nowKey();
          const before = linksOf({ ...inputs, candidates: stillOpen, nowKey }).apply;
          const after = linksOf({ ...inputs, candidates: partition.candidates, nowKey }).apply;
          const change = applyChanged(video, before, after);
          if (change) await context.announce([change]);
        }),
      );
      // The job's applications close with it (applications/close-job-applications.ts).
      await context.publishInternal(EVENTS.applicationsClosingRequested.detailType, { jobId });
    }
    await context.jobs.clearExpiry(jobId, dueKey);
  }
  return due.length;
};
