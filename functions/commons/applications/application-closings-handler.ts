import { type DetailOf, type EventName, eventNameOf } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { InvalidCursorError } from '#shared/pagination.ts';
import { type BusEvent, PoisonMessageError, sqsConsumer } from '#shared/sqs-consumer.ts';
import {
  type ClosingDependencies,
  closeJobApplicationsPage,
  InvalidClosingCursorError,
} from './close-job-applications.ts';
import { eraseProfileApplicationsPage } from './erase-applications.ts';

/** The page of work each event asks for: the first page of a job's closing or a profile's erasure, or the next. */
const PAGES: {
  readonly [Name in EventName]?: (deps: ClosingDependencies, detail: DetailOf<Name>) => Promise<number>;
} = {
  jobClosed: (deps, { jobId }) => closeJobApplicationsPage(deps, { jobId }),
  applicationsClosingRequested: closeJobApplicationsPage,
  profileDeleted: (deps, { profileId }) => eraseProfileApplicationsPage(deps, { profileId }),
  applicationsErasureRequested: eraseProfileApplicationsPage,
};

const pageOfNamed = <Name extends EventName>(deps: ClosingDependencies, name: Name, detail: unknown) => {
  const page = PAGES[name];
  return page && (() => page(deps, parseDetail(name, detail)));
};

/** The page of work an event asks for, or undefined for an event this queue does not take. */
const pageOf = (deps: ClosingDependencies, event: BusEvent): (() => Promise<number>) | undefined => {
  const name = eventNameOf(event['detail-type']);
  return name === undefined ? undefined : pageOfNamed(deps, name, event.detail);
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
