import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { InvalidCursorError } from '#shared/pagination.ts';
import { type BusEvent, PoisonMessageError, sqsConsumer } from '#shared/sqs-consumer.ts';
import {
  type ClosingDependencies,
  closeJobApplicationsPage,
  InvalidClosingCursorError,
} from './close-job-applications.ts';
import { eraseProfileApplicationsPage } from './erase-applications.ts';

/** The page of work an event asks for, or undefined for an event this queue does not take. */
const pageOf = (deps: ClosingDependencies, event: BusEvent): (() => Promise<number>) | undefined => {
  switch (event['detail-type']) {
    case EVENTS.jobClosed.detailType: {
      const { jobId } = parseDetail('jobClosed', event.detail);
      return () => closeJobApplicationsPage(deps, { jobId });
    }
    case EVENTS.applicationsClosingRequested.detailType: {
      const request = parseDetail('applicationsClosingRequested', event.detail);
      return () => closeJobApplicationsPage(deps, request);
    }
    case EVENTS.profileDeleted.detailType: {
      const { profileId } = parseDetail('profileDeleted', event.detail);
      return () => eraseProfileApplicationsPage(deps, { profileId });
    }
    case EVENTS.applicationsErasureRequested.detailType: {
      const request = parseDetail('applicationsErasureRequested', event.detail);
      return () => eraseProfileApplicationsPage(deps, request);
    }
    default:
      return undefined;
  }
};

/**
 * Job Closed (the first page of its applications' closing) and Applications Closing Requested (a job that
 * expired, an application that arrived as its job closed, or the next page); Profile Deleted (the first page of
 * the erasure of its applications) and Applications Erasure Requested (the next page). One page per message.
 */
export const createApplicationClosingsHandler = (deps: ClosingDependencies) =>
  sqsConsumer(async (event) => {
    const page = pageOf(deps, event);
    if (page === undefined) {
      throw new PoisonMessageError(`application closings do not handle ${event['detail-type']}`);
    }
    try {
      await page();
    } catch (error) {
      if (error instanceof InvalidClosingCursorError || error instanceof InvalidCursorError) {
        throw new PoisonMessageError(error.message);
      }
      throw error;
    }
  });
