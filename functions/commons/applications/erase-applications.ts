import { type ApplicationsErasureRequested, EVENTS } from '#events/catalog.ts';
import { count } from '#shared/observability.ts';
import { type Application, erased } from './application.ts';
import { ApplicationVanishedError } from './change-status.ts';
import type { ClosingDependencies } from './close-job-applications.ts';
import { cursorOf, positionOf } from './list-position.ts';

/** Applications erased per message: bounded, like a job's closing. */
export const ERASURE_PAGE_SIZE = 100;
/** Applications of a page erased at once. */
const CONCURRENCY = 10;
/** Concurrent writers on one application retry on the revision they lost to; this many tries is a conflict storm. */
const MAX_TRIES = 10;

/** Which page of a profile's erasure: the first (Profile Deleted) has no cursor. */
export type ErasureRequest = Pick<ApplicationsErasureRequested, 'profileId'> &
  Partial<Pick<ApplicationsErasureRequested, 'cursor' | 'page'>>;

/**
 * Erases one application's personal fields (CONTRACT §7), written conditionally on its revision (a writer that
 * lost re-reads and erases again), then asks for application.erased with Application Erased. An application
 * already erased whose event is not known to be out (a crash after the write) publishes it again; the notifier
 * builds one notification per application and kind, so a repeat sends nothing twice.
 */
export const eraseApplication = async (
  deps: ClosingDependencies,
  application: Application,
): Promise<void> => {
  let current = application;
  for (let tries = 1; ; tries++) {
    if (current.erasureAnnounced) return;
    const erasure = erased(current, deps.now().toISOString());
    if (erasure === undefined || (await deps.store.replace(erasure, current.revision))) {
      const done = erasure ?? current;
      await deps.publisher.publish([
        {
          origin: 'api',
          detailType: EVENTS.applicationErased.detailType,
          detail: {
            applicationId: done.applicationId,
            jobId: done.jobId,
            employerId: done.employerId,
            erasedAt: done.erasedAt ?? deps.now().toISOString(),
          },
        },
      ]);
      await deps.store.markErasureAnnounced(done);
      if (erasure !== undefined) count('ApplicationsErased');
      return;
    }
    if (tries >= MAX_TRIES) {
      throw new Error(`application ${current.applicationId}: ${MAX_TRIES} conflicting writes in a row`);
    }
    const reread = await deps.store.find(current.jobId, current.profileId);
    if (!reread) throw new ApplicationVanishedError(`application ${current.applicationId} vanished`);
    current = reread;
  }
};

/**
 * One page of a deleted profile's erasure: the first page marks the profile as erased before it reads its
 * applications (the applicant's own list, newest first), so an application written meanwhile sees the mark
 * and erases itself (submit-application.ts); then every application of the page is erased and the next page
 * asked for. Re-reading each application makes duplicates, late pages and any order of events harmless.
 * Throws InvalidCursorError for a cursor that is not one of ours.
 */
export const eraseProfileApplicationsPage = async (
  deps: ClosingDependencies,
  request: ErasureRequest,
): Promise<number> => {
  const after = positionOf(request.cursor);
  if (after === undefined) await deps.store.startErasure(request.profileId, deps.now().toISOString());
  const page = await deps.store.byApplicant(request.profileId, ERASURE_PAGE_SIZE, after);
  const { applications } = page;
  for (let start = 0; start < applications.length; start += CONCURRENCY) {
    await Promise.all(
      applications
        .slice(start, start + CONCURRENCY)
        .map((application) => eraseApplication(deps, application)),
    );
  }
  const cursor = cursorOf(page.next);
  if (cursor !== undefined) {
    await deps.publisher.publish([
      {
        origin: 'api',
        detailType: EVENTS.applicationsErasureRequested.detailType,
        detail: { profileId: request.profileId, cursor, page: (request.page ?? 1) + 1 },
      },
    ]);
  }
  return applications.length;
};
