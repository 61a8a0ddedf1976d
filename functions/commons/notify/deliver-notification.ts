import { type ApplicationSubmitted, EVENTS } from '#events/catalog.ts';
import type { EntityReader } from '#shared/entities.ts';
import { isLiveProfile } from '#shared/entities.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { count, logger } from '#shared/observability.ts';
import type { RetriedMessage, RetryScheduler } from '#shared/retry-scheduler.ts';
import { PoisonMessageError } from '#shared/sqs-consumer.ts';
import type { EmployerEndpoint } from './employer-endpoint.ts';
import { applicationReceived } from './notification.ts';
import type { NotificationRecord, NotificationStore } from './notification-store.ts';
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from './retry-schedule.ts';
import { signWebhook } from './signature.ts';

/** The SQS message carrying an Application Submitted, as far as retries are concerned. */
export interface NotificationMessage extends RetriedMessage {
  /** The queue's receive count: 1 on the first delivery. */
  readonly attempt: number;
}

export interface NotifierDependencies {
  readonly entities: EntityReader;
  readonly notifications: NotificationStore;
  readonly endpoint: EmployerEndpoint;
  /** The employer's `whsec_` secret; never logged. */
  readonly employerSecret: (employerId: string) => Promise<string>;
  readonly retries: RetryScheduler;
  readonly publisher: EventPublisher;
  readonly now: () => Date;
  /** Jitter source for the retry delays. */
  readonly random?: () => number;
}

/** This attempt failed and a later one is scheduled: the message must stay on the queue. */
export class NotificationRetryError extends Error {
  override readonly name = 'NotificationRetryError';
}

const USER_AGENT = 'ReelHire-Notifier/1.0';
const MAX_ERROR_LENGTH = 1024;

const notificationFor = async (
  application: ApplicationSubmitted,
  deps: NotifierDependencies,
): Promise<NotificationRecord> => {
  const existing = await deps.notifications.get(application.applicationId);
  if (existing) return existing;
  const job = await deps.entities.job(application.jobId);
  if (!job?.employerId || job.title === undefined || !job.notifyUrl) {
    throw new PoisonMessageError(`job ${application.jobId} is unknown or has no employer endpoint to notify`);
  }
  const profile = await deps.entities.profile(application.profileId);
  // A profile deleted since applying must not have its details sent on.
  if (!isLiveProfile(profile)) {
    throw new PoisonMessageError(`applicant profile ${application.profileId} is gone: nothing to send`);
  }
  const builtAt = deps.now();
  const body = applicationReceived(
    application,
    { jobId: job.jobId, employerId: job.employerId, title: job.title },
    profile,
    builtAt,
  );
  const notification = {
    applicationId: application.applicationId,
    jobId: application.jobId,
    employerId: job.employerId,
    notifyUrl: job.notifyUrl,
    body: JSON.stringify(body),
    builtAt: builtAt.toISOString(),
  };
  if (await deps.notifications.create(notification)) return { ...notification, attempts: 0 };
  // Another delivery of the same application built it first: use theirs, so every attempt sends the same body.
  const winner = await deps.notifications.get(application.applicationId);
  if (!winner)
    throw new Error(`notification ${application.applicationId} vanished after a conflicting write`);
  return winner;
};

/** Publishes the outcome once the bus accepts it, then remembers that it did. */
const announce = async (notification: NotificationRecord, deps: NotifierDependencies): Promise<void> => {
  if (notification.outcomeAnnounced || notification.outcome === undefined) return;
  const base = {
    applicationId: notification.applicationId,
    jobId: notification.jobId,
    employerId: notification.employerId,
    attempts: Math.max(notification.attempts, 1),
  };
  await deps.publisher.publish([
    notification.outcome === 'delivered'
      ? {
          origin: 'notify',
          detailType: EVENTS.applicationNotificationDelivered.detailType,
          detail: base,
          time: deps.now(),
        }
      : {
          origin: 'notify',
          detailType: EVENTS.applicationNotificationFailed.detailType,
          detail: { ...base, error: (notification.error ?? 'unknown').slice(0, MAX_ERROR_LENGTH) },
          time: deps.now(),
        },
  ]);
  await deps.notifications.markAnnounced(notification.applicationId);
  count(notification.outcome === 'delivered' ? 'NotificationsDelivered' : 'NotificationsFailed');
};

const abandoned = (notification: NotificationRecord): PoisonMessageError =>
  new PoisonMessageError(`notification abandoned: ${notification.error ?? 'failed'}`);

/** Settles (first outcome wins) and announces; returns the stored outcome, which may be another delivery's. */
const conclude = async (
  applicationId: string,
  outcome: 'delivered' | 'failed',
  deps: NotifierDependencies,
  error?: string,
): Promise<void> => {
  const settled =
    (await deps.notifications.settle(applicationId, outcome, error)) ??
    (await deps.notifications.get(applicationId));
  if (!settled) throw new Error(`notification ${applicationId} vanished while settling`);
  await announce(settled, deps);
  // The Failed event is out; the message goes to the dead-letter queue with the reason, never dropped.
  if (settled.outcome === 'failed') throw abandoned(settled);
};

/**
 * Delivers one application's notification: build it once (first attempt), then POST it signed with the
 * employer's secret. 2xx → Delivered; 410 or a refused destination → Failed at once; anything else is retried
 * on the schedule until the last attempt, then Failed. Failed messages are dead-lettered with their reason.
 */
export const deliverNotification = async (
  application: ApplicationSubmitted,
  message: NotificationMessage,
  deps: NotifierDependencies,
): Promise<void> => {
  const notification = await notificationFor(application, deps);
  const { applicationId } = notification;
  if (notification.outcome === 'delivered') {
    // A duplicate of a delivered application: finish announcing if a crash interrupted it, send nothing.
    await announce(notification, deps);
    return;
  }
  if (notification.outcome === 'failed') {
    // A failed notification is sent again only when an operator redrives it from the DLQ (a fresh message).
    const redriven =
      notification.outcomeAnnounced === true &&
      message.attempt === 1 &&
      (await deps.notifications.reopen(applicationId));
    if (!redriven) {
      await announce(notification, deps);
      throw abandoned(notification);
    }
  }

  const attempts = await deps.notifications.countAttempt(applicationId);
  const secret = await deps.employerSecret(notification.employerId);
  const outcome = await deps.endpoint.post({
    url: notification.notifyUrl,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...signWebhook(secret, applicationId, deps.now(), notification.body),
    },
    body: notification.body,
  });
  logger.info('employer notification attempt', {
    applicationId,
    jobId: notification.jobId,
    employerId: notification.employerId,
    attempt: message.attempt,
    outcome: outcome.kind,
    ...(outcome.kind === 'failed' || outcome.kind === 'refused' ? { reason: outcome.reason } : {}),
  });

  switch (outcome.kind) {
    case 'delivered':
      return conclude(applicationId, 'delivered', deps);
    case 'gone':
      return conclude(applicationId, 'failed', deps, 'employer endpoint answered 410 Gone');
    case 'refused':
      return conclude(applicationId, 'failed', deps, `employer endpoint refused: ${outcome.reason}`);
    case 'failed': {
      count('NotificationAttemptsFailed');
      if (message.attempt >= MAX_DELIVERY_ATTEMPTS) {
        return conclude(
          applicationId,
          'failed',
          deps,
          `gave up after ${attempts} attempts; last: ${outcome.reason}`,
        );
      }
      const delay = retryDelaySeconds(message.attempt, deps.random, outcome.retryAfterSeconds);
      await deps.retries.retryAfter(message, delay);
      throw new NotificationRetryError(`${outcome.reason}; next attempt in ${delay} s`);
    }
  }
};
