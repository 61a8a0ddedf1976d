import { type ApplicationStatusChanged, type ApplicationSubmitted, EVENTS } from '#events/catalog.ts';
import type { ApplicationStatus, VideoRef } from '#events/fields.ts';
import type { ACTORS, ApplicantApplication, EmployerApplication } from '#shared/application-views.ts';
import type { JobRecord } from '#shared/entities.ts';
import type { OutgoingEvent } from '#shared/event-publisher.ts';
import { compareInstants } from '#shared/instant.ts';

/**
 * An application's life after submission (CONTRACT §6), as pure functions of the stored record: who may set
 * which status, that final statuses stay final, the history, the events each change publishes (the history is
 * the outbox), when ReelHire must look at it again, and what employers and applicants see. No AWS here.
 */

export type Actor = (typeof ACTORS)[number];

export interface HistoryEntry {
  readonly status: ApplicationStatus;
  readonly at: string;
  readonly by: Actor;
  readonly note?: string;
}

/** The applicant as the application was submitted (the employer's copy; erased with the profile, #15). */
export interface Applicant {
  readonly profileId: string;
  readonly handle: string;
  readonly displayName: string;
  readonly portfolioUrl: string;
}

/** One application per profile and job, ever: the stored record. */
export interface Application {
  readonly applicationId: string;
  readonly jobId: string;
  readonly profileId: string;
  readonly employerId: string;
  readonly jobTitle: string;
  /** Where its notifications go: the job's notifyUrl when it was received. */
  readonly notifyUrl: string;
  readonly applicant: Applicant;
  readonly via?: VideoRef;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly status: ApplicationStatus;
  /** Every change, oldest first; the first is the submission. */
  readonly history: readonly HistoryEntry[];
  /** Bumped by every write: the next write is conditional on the revision it read. */
  readonly revision: number;
  /** How many history entries have had their events published; the rest are the outbox. */
  readonly publishedThrough: number;
}

const FINAL_STATUSES: ReadonlySet<ApplicationStatus> = new Set(['hired', 'rejected', 'withdrawn', 'closed']);

/** Nothing changes a final status. */
export const isFinal = (status: ApplicationStatus): boolean => FINAL_STATUSES.has(status);

const SETTABLE_BY: Readonly<Record<Actor, readonly ApplicationStatus[]>> = {
  employer: ['reviewing', 'interviewing', 'offered', 'hired', 'rejected'],
  applicant: ['withdrawn'],
  reelhire: ['closed'],
};

/** The statuses an employer may set (the employer API's 422 names them). */
export const EMPLOYER_STATUSES = SETTABLE_BY.employer;

export interface StatusChange {
  readonly status: ApplicationStatus;
  readonly by: Actor;
  /** When it is asked for; the history never goes back in time, so the stored instant is the later of this and the last change. */
  readonly at: string;
  readonly note?: string;
}

export type ChangeDecision =
  /** Already in that status (final or not): nothing to write, nothing to publish. */
  | { readonly kind: 'unchanged'; readonly application: Application }
  /** This actor may not set this status. */
  | { readonly kind: 'notAllowed' }
  /** The application is final. */
  | { readonly kind: 'final'; readonly application: Application }
  | { readonly kind: 'changed'; readonly application: Application };

const later = (a: string, b: string): string => (compareInstants(a, b) >= 0 ? a : b);

/** What a status change does to an application, in the contract's order: same status, not allowed, final. */
export const decideChange = (application: Application, change: StatusChange): ChangeDecision => {
  if (change.status === application.status) return { kind: 'unchanged', application };
  if (!SETTABLE_BY[change.by].includes(change.status)) return { kind: 'notAllowed' };
  if (isFinal(application.status)) return { kind: 'final', application };
  const at = later(change.at, application.updatedAt);
  const entry: HistoryEntry = {
    status: change.status,
    at,
    by: change.by,
    ...(change.note === undefined ? {} : { note: change.note }),
  };
  return {
    kind: 'changed',
    application: {
      ...application,
      status: change.status,
      updatedAt: at,
      history: [...application.history, entry],
      revision: application.revision + 1,
    },
  };
};

/**
 * The via an application records (CONTRACT §4): the body's, when it names a video of the job's latest version;
 * otherwise none (recorded as null), so that a viewer cannot credit the job's funnel to any video they like.
 */
export const viaOfJob = (via: VideoRef | undefined, job: JobRecord): VideoRef | undefined =>
  via !== undefined &&
  (job.videos ?? []).some((video) => video.platform === via.platform && video.videoId === via.videoId)
    ? via
    : undefined;

/** The fields of a new application that the apply flow knows. */
export type NewApplication = Omit<
  Application,
  'status' | 'history' | 'updatedAt' | 'revision' | 'publishedThrough'
>;

/** A new application: `submitted` by its applicant, its Application Submitted still to publish. */
export const submitted = (application: NewApplication): Application => ({
  ...application,
  status: 'submitted',
  updatedAt: application.submittedAt,
  history: [{ status: 'submitted', at: application.submittedAt, by: 'applicant' }],
  revision: 1,
  publishedThrough: 0,
});

/** The events one history entry publishes: Application Submitted for the first, then a status change each. */
const eventsOfEntry = (application: Application, index: number): OutgoingEvent[] => {
  const entry = application.history[index];
  if (entry === undefined) return [];
  const { applicationId, jobId, profileId, employerId } = application;
  if (index === 0) {
    const detail: ApplicationSubmitted = {
      applicationId,
      jobId,
      profileId,
      submittedAt: application.submittedAt,
      ...(application.via ? { via: application.via } : {}),
    };
    return [
      {
        origin: 'api',
        detailType: EVENTS.applicationSubmitted.detailType,
        detail,
        time: new Date(application.submittedAt),
      },
    ];
  }
  const changed: ApplicationStatusChanged = {
    applicationId,
    jobId,
    profileId,
    employerId,
    status: entry.status,
    changedAt: entry.at,
    ...(entry.note === undefined ? {} : { note: entry.note }),
  };
  const time = new Date(entry.at);
  // ReelHire's own `closed` follows a job's closing, which the link engine owns: its source says so.
  const events: OutgoingEvent[] = [
    {
      origin: entry.by === 'reelhire' ? 'links' : 'api',
      detailType: EVENTS.applicationStatusChanged.detailType,
      detail: changed,
      time,
    },
  ];
  if (entry.status === 'withdrawn') {
    events.push({
      origin: 'api',
      detailType: EVENTS.applicationWithdrawn.detailType,
      detail: { applicationId, jobId, profileId, employerId, withdrawnAt: entry.at },
      time,
    });
  }
  return events;
};

/** The outbox: the events of every change not yet published, oldest first. */
export const pendingEvents = (application: Application): OutgoingEvent[] =>
  application.history.flatMap((_, index) =>
    index < application.publishedThrough ? [] : eventsOfEntry(application, index),
  );

export const hasPendingEvents = (application: Application): boolean =>
  application.publishedThrough < application.history.length;

/** A change's events are republished by the sweep once its marker is this old (the request that made it failed). */
export const OUTBOX_GRACE_SECONDS = 60;

/** An application that is not final and has not changed for this long is closed by ReelHire. */
export const IDLE_DAYS = 365;

const DAY_MS = 86_400_000;

const plus = (timestamp: string, milliseconds: number): Date =>
  new Date(new Date(timestamp).getTime() + milliseconds);

/**
 * When ReelHire must look at the application again: a minute after a change whose events are still pending,
 * else 365 days after its last change while it is not final; never once it is final and published (#15 adds
 * the retention shrink 365 days after it became final here).
 */
export const nextDueAt = (application: Application): Date | undefined => {
  if (hasPendingEvents(application)) {
    const latest = application.history.at(-1)?.at ?? application.updatedAt;
    return plus(latest, OUTBOX_GRACE_SECONDS * 1000);
  }
  if (!isFinal(application.status)) return plus(application.updatedAt, IDLE_DAYS * DAY_MS);
  return undefined;
};

/** What the sweep does with an application found due at `now`. */
export const sweepAction = (application: Application, now: Date): 'publish' | 'closeIdle' | 'reschedule' => {
  if (hasPendingEvents(application)) return 'publish';
  if (!isFinal(application.status) && plus(application.updatedAt, IDLE_DAYS * DAY_MS) <= now) {
    return 'closeIdle';
  }
  return 'reschedule';
};

const historyView = (history: readonly HistoryEntry[]) =>
  history.map(({ status, at, by, note }) => ({ status, at, by, ...(note === undefined ? {} : { note }) }));

/** An application as its applicant sees it (CONTRACT §6, applicant API). */
export const applicantView = (application: Application): ApplicantApplication => ({
  applicationId: application.applicationId,
  jobId: application.jobId,
  jobTitle: application.jobTitle,
  status: application.status,
  history: historyView(application.history),
  via: application.via ?? null,
  submittedAt: application.submittedAt,
  updatedAt: application.updatedAt,
});

/** An application as the employer sees it (CONTRACT §6, employer API). */
export const employerView = (application: Application): EmployerApplication => {
  const { applicant } = application;
  return {
    applicationId: application.applicationId,
    jobId: application.jobId,
    jobTitle: application.jobTitle,
    status: application.status,
    history: historyView(application.history),
    applicant: {
      profileId: applicant.profileId,
      handle: applicant.handle,
      displayName: applicant.displayName,
      portfolioUrl: applicant.portfolioUrl,
    },
    via: application.via ?? null,
    submittedAt: application.submittedAt,
    updatedAt: application.updatedAt,
  };
};

export type ApplicantView = ReturnType<typeof applicantView>;
export type EmployerView = ReturnType<typeof employerView>;
