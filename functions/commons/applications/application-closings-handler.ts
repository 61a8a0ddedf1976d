import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { PoisonMessageError, sqsConsumer } from '#shared/sqs-consumer.ts';
import {
  type ClosingDependencies,
  closeJobApplicationsPage,
  InvalidClosingCursorError,
} from './close-job-applications.ts';

/**
 * Job Closed (the first page of its applications' closing) and Applications Closing Requested (a job that
 * expired, an application that arrived as its job closed, or the next page), one page per message.
 */
export const createApplicationClosingsHandler = (deps: ClosingDependencies) =>
  sqsConsumer(async (event) => {
    const request =
      event['detail-type'] === EVENTS.jobClosed.detailType
        ? { jobId: parseDetail('jobClosed', event.detail).jobId }
        : event['detail-type'] === EVENTS.applicationsClosingRequested.detailType
          ? parseDetail('applicationsClosingRequested', event.detail)
          : undefined;
    if (request === undefined) {
      throw new PoisonMessageError(`application closings do not handle ${event['detail-type']}`);
    }
    try {
      await closeJobApplicationsPage(deps, request);
    } catch (error) {
      if (error instanceof InvalidClosingCursorError) throw new PoisonMessageError(error.message);
      throw error;
    }
  });
