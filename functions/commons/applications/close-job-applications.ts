import { type ApplicationsClosingRequested, EVENTS } from '#events/catalog.ts';
import { id } from '#events/fields.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { isFinal } from './application.ts';
import { type ChangeDependencies, changeStatus } from './change-status.ts';

/** Applications closed per message: bounded, so a job with 100,000 applications is 1,000 small invocations. */
export const CLOSING_PAGE_SIZE = 100;
/** Applications of a page closed at once. */
const CONCURRENCY = 10;

export interface ClosingDependencies extends ChangeDependencies {
  readonly publisher: EventPublisher;
}

/** A closing cursor that is not one of ours: the message can never succeed. */
export class InvalidClosingCursorError extends Error {
  override readonly name = 'InvalidClosingCursorError';
}

const encodeCursor = (profileId: string): string => Buffer.from(profileId, 'utf8').toString('base64url');

const decodeCursor = (cursor: string): string => {
  const profileId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!id.safeParse(profileId).success || encodeCursor(profileId) !== cursor) {
    throw new InvalidClosingCursorError('closing cursor is not a profile id');
  }
  return profileId;
};

/**
 * One page of a job's closing (Job Closed, or its `closesAt` passed): every application of the page that is not
 * final becomes `closed` by ReelHire, then the next page is asked for. The first page marks the job as closing
 * before it reads, so an application written meanwhile sees the mark and asks for the closing again
 * (submit-application.ts). Re-reading each application makes duplicates and late pages harmless.
 */
export const closeJobApplicationsPage = async (
  deps: ClosingDependencies,
  request: ApplicationsClosingRequested,
): Promise<number> => {
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  if (after === undefined) await deps.store.startClosing(request.jobId, deps.now().toISOString());
  const page = await deps.store.jobPage(request.jobId, CLOSING_PAGE_SIZE, after);
  const open = page.applications.filter((application) => !isFinal(application.status));
  for (let start = 0; start < open.length; start += CONCURRENCY) {
    await Promise.all(
      open
        .slice(start, start + CONCURRENCY)
        .map((application) => changeStatus(deps, application, { status: 'closed', by: 'reelhire' })),
    );
  }
  if (page.nextProfileId !== undefined) {
    await deps.publisher.publish([
      {
        origin: 'links',
        detailType: EVENTS.applicationsClosingRequested.detailType,
        detail: {
          jobId: request.jobId,
          cursor: encodeCursor(page.nextProfileId),
          page: (request.page ?? 1) + 1,
        },
      },
    ]);
  }
  return open.length;
};
