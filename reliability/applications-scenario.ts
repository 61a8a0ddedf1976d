import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { ruleNameOf } from '../lib/names.ts';
import type { BusEventRecord } from '../local/activity-log.ts';
import { EmployerServer } from '../local/testing/employer-server.ts';
import { ApplicationsClient } from './applications-client.ts';
import type { FaultRates } from './fault-proxy.ts';
import { waitUntilQuiet } from './quiet.ts';
import { seededRandom } from './seeded-random.ts';
import type { SystemUnderTest } from './system-under-test.ts';

export interface ApplicationsRunOptions {
  readonly applicants: number;
  readonly jobs: number;
  readonly seed: number;
  /** The functions' DynamoDB faults while applications change. */
  readonly faults: FaultRates;
  /**
   * The employer endpoint answers 503 to this many requests at first; and to every application.received while
   * the applications change (withdrawals then have a received to wait for), recovering once they are done.
   */
  readonly employerFailures: number;
  /** @default 240_000 */
  readonly timeoutMs?: number;
}

export interface ApplicationsRunResult {
  readonly applications: number;
  readonly statusChanges: number;
  readonly withdrawals: number;
  readonly closedByJob: number;
  /** Applications whose status is not the one the rules give for what they were asked, in order. */
  readonly wrongStatus: readonly string[];
  /** History entries (changes) with no event published for them, and submissions never published. */
  readonly lostEvents: readonly string[];
  /** Notifications never delivered to the (recovered) employer. */
  readonly lostNotifications: readonly string[];
  /** Applications whose application.withdrawn reached the employer before their application.received. */
  readonly orderViolations: readonly string[];
  readonly notificationsDelivered: number;
  readonly badSignatures: number;
  readonly serverErrors: number;
  readonly faults: number;
}

const EMPLOYER = 'emp_reliability';
const EMPLOYER_STATUSES = ['reviewing', 'interviewing', 'offered', 'hired', 'rejected'] as const;
const FINAL = new Set(['hired', 'rejected', 'withdrawn', 'closed']);
type Step = { readonly by: 'employer'; readonly status: string } | { readonly by: 'applicant' };

/** The rules of CONTRACT §6 on one application's steps, in the order they were made. */
const expectedStatus = (steps: readonly Step[], jobClosed: boolean): string => {
  let status = 'submitted';
  for (const step of steps) {
    const wanted = step.by === 'applicant' ? 'withdrawn' : step.status;
    if (!FINAL.has(status)) status = wanted;
  }
  return jobClosed && !FINAL.has(status) ? 'closed' : status;
};

/**
 * Applications, status changes and withdrawals through the HTTP API of the running stack while the functions'
 * store calls fail at random, to an employer endpoint whose application.received fail while the
 * applications change (it recovers after); then one job closes.
 * Once quiet (the sweep run until nothing is pending), every application must be in the state the rules give,
 * every change published, every notification delivered, application.received always before
 * application.withdrawn, every signature valid.
 */
export const runApplications = async (
  system: SystemUnderTest,
  options: ApplicationsRunOptions,
): Promise<ApplicationsRunResult> => {
  const random = seededRandom(options.seed);
  const run = `rel${options.seed}x${Date.now().toString(36)}`;
  const client = new ApplicationsClient(system);
  const employer = await EmployerServer.start(employerSecret(system.secrets.EMPLOYER_SIGNING_KEY, EMPLOYER));
  employer.answer(...Array.from({ length: options.employerFailures }, () => ({ status: 503 })));
  const published: BusEventRecord[] = [];
  const onRecord = (record: { kind: string }) => {
    if (record.kind === 'bus-event') published.push(record as BusEventRecord);
  };
  system.stack.activity.on('record', onRecord);
  try {
    const jobs = Array.from({ length: options.jobs }, (_, index) => `${run}-job${index}`);
    const applicants = Array.from({ length: options.applicants }, (_, index) => `${run}-prof${index}`);
    for (const profileId of applicants) await client.profile(profileId);
    for (const jobId of jobs) await client.job(jobId, EMPLOYER, employer.url());
    await waitUntilQuiet(system.stack);

    system.proxy.setRates(options.faults);
    employer.replyBy((body) => (body.includes('"application.received"') ? { status: 503 } : undefined));
    const faultsBefore = Object.values(system.proxy.stats().faults).reduce((sum, count) => sum + count, 0);
    let serverErrors = 0;
    const key = client.employerKey(EMPLOYER);
    const applications: { applicationId: string; jobId: string; profileId: string; steps: Step[] }[] = [];
    await Promise.all(
      applicants.map(async (profileId) => {
        for (const jobId of jobs.filter(() => random() < 0.7)) {
          const answer = await client.apply(jobId, profileId);
          if (answer.status >= 500) serverErrors++;
          const { applicationId } = answer.body as { applicationId?: string };
          if (applicationId) applications.push({ applicationId, jobId, profileId, steps: [] });
        }
      }),
    );
    for (const application of applications) {
      for (let changes = Math.floor(random() * 3); changes > 0; changes--) {
        application.steps.push({
          by: 'employer',
          status: EMPLOYER_STATUSES[Math.floor(random() * EMPLOYER_STATUSES.length)] ?? 'reviewing',
        });
      }
      if (random() < 0.35)
        application.steps.splice(Math.floor(random() * (application.steps.length + 1)), 0, {
          by: 'applicant',
        });
    }
    // Each application's steps in order; the applications side by side.
    await Promise.all(
      applications.map(async ({ applicationId, profileId, steps }) => {
        for (const step of steps) {
          const answer =
            step.by === 'applicant'
              ? await client.applicant('POST', `/applications/${applicationId}/withdraw`, profileId)
              : await client.employer('POST', `/employer/applications/${applicationId}/status`, key, {
                  status: step.status,
                });
          if (answer.status >= 500) serverErrors++;
        }
      }),
    );
    employer.replyBy(undefined);
    const closedJob = jobs[0] ?? '';
    await client.closeJob(closedJob);
    const faults =
      Object.values(system.proxy.stats().faults).reduce((sum, count) => sum + count, 0) - faultsBefore;
    system.proxy.setRates({});

    // What a failed request left pending is the sweep's, a minute after the change: run it until nothing is.
    const store = new DynamoApplications(system.documents, system.tableName);
    const deadline = Date.now() + (options.timeoutMs ?? 240_000);
    for (;;) {
      system.stack.runSchedule(ruleNameOf('dev', 'ApplicationSweepSchedule'));
      await waitUntilQuiet(system.stack, { timeoutMs: Math.max(1_000, deadline - Date.now()) });
      const stored = await Promise.all(applications.map((a) => store.find(a.jobId, a.profileId)));
      const pending = stored.filter((a) => a && a.publishedThrough < a.history.length).length;
      if (pending === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }

    const stored = await Promise.all(applications.map((a) => store.find(a.jobId, a.profileId)));
    const eventsOf = (detailType: string, applicationId: string) =>
      published.filter(
        (record) =>
          record.event['detail-type'] === detailType &&
          (record.event.detail as { applicationId?: string }).applicationId === applicationId,
      );
    const wrongStatus: string[] = [];
    const lostEvents: string[] = [];
    const lostNotifications: string[] = [];
    const orderViolations: string[] = [];
    let statusChanges = 0;
    let withdrawals = 0;
    let closedByJob = 0;
    applications.forEach((application, index) => {
      const record = stored[index];
      const { applicationId } = application;
      const wanted = expectedStatus(application.steps, application.jobId === closedJob);
      if (record?.status !== wanted)
        wrongStatus.push(`${applicationId}: ${record?.status} instead of ${wanted}`);
      if (!record) return;
      if (eventsOf('Application Submitted', applicationId).length === 0)
        lostEvents.push(`${applicationId} submitted`);
      const changed = eventsOf('Application Status Changed', applicationId).map(
        (event) => (event.event.detail as { status: string }).status,
      );
      for (const entry of record.history.slice(1)) {
        if (!changed.includes(entry.status)) lostEvents.push(`${applicationId} ${entry.status}`);
        statusChanges++;
        if (entry.status === 'withdrawn') withdrawals++;
        if (entry.status === 'closed') closedByJob++;
      }
      const deliveredAt = (webhookId: string) =>
        employer.received.findIndex(
          (request) => request.headers['webhook-id'] === webhookId && request.answeredStatus < 300,
        );
      const received = deliveredAt(applicationId);
      if (received < 0) lostNotifications.push(`${applicationId} application.received`);
      if (record.status === 'withdrawn') {
        const withdrawn = deliveredAt(`${applicationId}.withdrawn`);
        if (withdrawn < 0) lostNotifications.push(`${applicationId} application.withdrawn`);
        else if (withdrawn < received || received < 0) orderViolations.push(applicationId);
      }
    });
    return {
      applications: applications.length,
      statusChanges,
      withdrawals,
      closedByJob,
      wrongStatus,
      lostEvents,
      lostNotifications,
      orderViolations,
      notificationsDelivered: employer.successes.length,
      badSignatures: employer.received.filter((request) => !request.signatureValid).length,
      serverErrors,
      faults,
    };
  } finally {
    system.stack.activity.off('record', onRecord);
    system.proxy.setRates({});
    await employer.close();
  }
};
