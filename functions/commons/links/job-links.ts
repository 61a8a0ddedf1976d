import type { JobClosed, JobPublished } from '#events/catalog.ts';
import type { VideoRef } from '#events/fields.ts';
import { instantKey } from '../domain/instant.ts';
import { applyChanged } from '../domain/link-changes.ts';
import { type ApplyCandidate, linksOf } from '../domain/links.ts';
import type { JobRecord } from '../store/records.ts';
import { FINAL_VERSION } from '../store/videos.ts';
import type { LinkContext } from './link-context.ts';
import { ConcurrentUpdateError } from './profile-links.ts';

const MAX_ROUNDS = 8;

const sameVideo = (a: VideoRef, b: VideoRef): boolean => a.platform === b.platform && a.videoId === b.videoId;

const distinctVideos = (videos: readonly VideoRef[]): VideoRef[] =>
  videos.filter((video, index) => videos.findIndex((other) => sameVideo(other, video)) === index);

const candidateOf = (job: JobRecord, video: VideoRef): ApplyCandidate => ({
  jobId: job.jobId,
  version: job.version,
  listed: (job.videos ?? []).some((listed) => sameVideo(listed, video)),
  closed: false,
  publishedAtKey: instantKey(job.publishedAt ?? '0000-01-01T00:00:00Z'),
  ...(job.closesAt ? { closesAtKey: instantKey(job.closesAt) } : {}),
});

/**
 * Puts a job's candidate entry on one video: announce the apply link change it makes, then write it. An entry
 * already at this version or newer changes nothing and announces nothing.
 */
const putCandidate = async (
  context: LinkContext,
  video: VideoRef,
  candidate: ApplyCandidate,
): Promise<void> => {
  const partition = await context.videos.partition(video.platform, video.videoId);
  const stored = partition.candidates.find((existing) => existing.jobId === candidate.jobId);
  if (stored && (stored.version >= candidate.version || stored.closed)) return;
  const inputs = {
    video: partition.video,
    account: undefined,
    nowKey: context.nowKey(),
    publicBaseUrl: context.publicBaseUrl,
  };
  const others = partition.candidates.filter((existing) => existing.jobId !== candidate.jobId);
  const before = linksOf({ ...inputs, candidates: partition.candidates }).apply;
  const after = linksOf({ ...inputs, candidates: [...others, candidate] }).apply;
  const change = applyChanged(video, before, after);
  if (change) await context.announce([change]);
  await context.videos.writeCandidate(video, candidate);
};

const putCandidates = (
  context: LinkContext,
  videos: readonly VideoRef[],
  candidateFor: (video: VideoRef) => ApplyCandidate,
) => Promise.all(videos.map((video) => putCandidate(context, video, candidateFor(video))));

/** The entry a closed job leaves on a video it listed: final. */
const closedCandidate = (jobId: string): ApplyCandidate => ({
  jobId,
  version: FINAL_VERSION,
  listed: false,
  closed: true,
  publishedAtKey: '',
});

const closeCandidates = async (
  context: LinkContext,
  jobId: string,
  videos: readonly VideoRef[],
): Promise<void> => {
  await Promise.all(
    videos.map(async (video) => {
      const partition = await context.videos.partition(video.platform, video.videoId);
      // No entry yet: a writer still holding an older view of the job closes it itself when its
      // compare-and-set fails on the closed job.
      if (!partition.candidates.some((existing) => existing.jobId === jobId)) return;
      await putCandidate(context, video, closedCandidate(jobId));
    }),
  );
};

/**
 * Job Published: same convergence as profiles. The job item is the serialization point; candidate entries are
 * written on every video any version listed; a losing writer aligns what only it touched with the winner.
 */
export const applyJobPublished = async (context: LinkContext, job: JobPublished): Promise<void> => {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stored = await context.jobs.read(job.jobId);
    if (stored?.record.closed) {
      await closeCandidates(context, job.jobId, distinctVideos([...stored.everListed, ...job.videos]));
      return;
    }
    if (stored && stored.record.version > job.version) return;
    const everListed = distinctVideos([...(stored?.everListed ?? []), ...job.videos]);
    await putCandidates(context, everListed, (video) => candidateOf(job, video));
    if (stored?.record.version === job.version) return;
    if (await context.jobs.replaceIfUnchanged(job, stored, everListed)) return;

    const winner = await context.jobs.read(job.jobId);
    if (!winner) continue;
    if (winner.record.closed) {
      await closeCandidates(context, job.jobId, everListed);
      return;
    }
    if (winner.record.version > job.version) {
      const onlyOurs = everListed.filter(
        (video) => !winner.everListed.some((other) => sameVideo(other, video)),
      );
      await context.jobs.addEverListed(job.jobId, onlyOurs);
      await putCandidates(context, onlyOurs, (video) => candidateOf(winner.record, video));
      return;
    }
  }
  throw new ConcurrentUpdateError(`job ${job.jobId} kept changing; will retry`);
};

/** Job Closed: final, whatever its version. */
export const applyJobClosed = async (context: LinkContext, closed: JobClosed): Promise<void> => {
  const everListed = await context.jobs.markClosed(closed.jobId, closed.version, closed.closedAt);
  await closeCandidates(context, closed.jobId, everListed);
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
    }
    await context.jobs.clearExpiry(jobId, dueKey);
  }
  return due.length;
};
