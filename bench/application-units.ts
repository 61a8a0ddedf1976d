import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApplicantApplications } from '#applications/applicant-applications.ts';
import type { ChangeDependencies } from '#applications/change-status.ts';
import { closeJobApplicationsPage } from '#applications/close-job-applications.ts';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { DynamoApplySlots } from '#applications/dynamo-apply-slots.ts';
import { EmployerApplications } from '#applications/employer-applications.ts';
import { ApplicationOutbox } from '#applications/outbox.ts';
import { ApplicationSubmissions, newApplicationId } from '#applications/submit-application.ts';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import type { LinkContext } from '#links/link-context.ts';
import { takeSlot } from '#shared/apply-limits.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import type { UnitCost } from './capacity-units.ts';

/** What one operation costs, as the bench's meter measures it. */
type Measure = (operation: () => Promise<unknown>) => Promise<UnitCost>;

const INBOX_PAGE = 25;

/**
 * What the apply limit adds to a new application at its largest: taking the profile's 100th slot of the day
 * (the slot item at its biggest). Included in the new application's row; shown on its own to check it is one
 * write unit.
 */
const measureFullDaySlot = async (slots: DynamoApplySlots, measure: Measure): Promise<UnitCost> => {
  const take = (at: Date) => (kept: readonly number[]) => {
    const decision = takeSlot(kept, at);
    return { ...(decision.kind === 'taken' ? { slots: decision.slots } : {}), result: decision.kind };
  };
  const start = Date.now() - 23 * 3600_000;
  // 99 slots spread over 22 hours: never 20 in one hour.
  for (let index = 0; index < 99; index++) {
    await slots.change('prof_units_slots', take(new Date(start + index * 800_000)));
  }
  return measure(async () => {
    if ((await slots.change('prof_units_slots', take(new Date()))) !== 'taken')
      throw new Error('the 100th slot of the day was refused');
  });
};

/**
 * The units of an application's life after submission (docs/data-model.md): a new application, an employer's
 * status change, a withdrawal, a page of the employer's inbox and of the applicant's list, and closing one
 * application of a closed job. Each is measured on a table holding a job with a full page of applications.
 */
export const measureApplicationUnits = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  links: LinkContext,
  measure: Measure,
  publisher: EventPublisher,
): Promise<Record<string, UnitCost>> => {
  const jobId = 'job_units';
  const employerId = 'emp_units';
  const profileIds = Array.from({ length: INBOX_PAGE + 1 }, (_, index) => `prof_units_${index}`);
  const job = sampleOf(EVENTS.jobPublished).detail as object;
  await applyLinkEvent(links, EVENTS.jobPublished.detailType, { ...job, jobId, employerId, videos: [] });
  const profile = sampleOf(EVENTS.profileUpdated).detail as object;
  for (const profileId of profileIds) {
    await applyLinkEvent(links, EVENTS.profileUpdated.detailType, {
      ...profile,
      profileId,
      linkedAccounts: [],
    });
  }
  const store = new DynamoApplications(documents, tableName);
  const changes: ChangeDependencies = {
    store,
    outbox: new ApplicationOutbox(store, publisher),
    now: () => new Date(),
  };
  const submissions = new ApplicationSubmissions({
    ...changes,
    publisher,
    entities: new DynamoEntityReader(documents, tableName),
    newApplicationId,
    slots: new DynamoApplySlots(documents, tableName),
  });
  const submit = (profileId: string) => submissions.submit({ jobId, profileId, body: { valid: true } });
  for (const profileId of profileIds.slice(1)) await submit(profileId);

  const employer = new EmployerApplications(changes);
  const applicant = new ApplicantApplications(changes);
  const [first] = profileIds;
  const costs: Record<string, UnitCost> = {};
  costs['new application (POST /jobs/{jobId}/applications)'] = await measure(() => submit(first ?? ''));
  costs['apply limit share (the 100th slot of a day)'] = await measureFullDaySlot(
    new DynamoApplySlots(documents, tableName),
    measure,
  );
  const application = await store.find(jobId, first ?? '');
  const applicationId = application?.applicationId ?? '';
  costs['status change (employer)'] = await measure(() =>
    employer.setStatus(employerId, applicationId, { status: 'reviewing' }),
  );
  costs['withdrawal (applicant)'] = await measure(() => applicant.withdraw(first ?? '', applicationId));
  costs[`inbox page of ${INBOX_PAGE} (GET /employer/applications)`] = await measure(() =>
    employer.list(employerId, {}, INBOX_PAGE),
  );
  costs['applicant list page (GET /applications)'] = await measure(() =>
    applicant.list(first ?? '', INBOX_PAGE),
  );
  const closing = await measure(() => closeJobApplicationsPage({ ...changes, publisher }, { jobId }));
  // The withdrawn one stays as it is: the others of the page are closed.
  const closed = INBOX_PAGE;
  costs['closing, per application of a closed job'] = {
    writeUnits: closing.writeUnits / closed,
    readUnits: closing.readUnits / closed,
    calls: closing.calls / closed,
  };
  return costs;
};
