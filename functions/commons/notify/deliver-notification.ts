import { EVENTS } from '#events/catalog.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { count, logger } from '#shared/observability.ts';
import type { RetriedMessage, RetryScheduler } from '#shared/retry-scheduler.ts';
import { PoisonMessageError } from '#shared/sqs-consumer.ts';
import type { EmployerEndpoint } from './employer-endpoint.ts';
import {
  earlierKinds,
  kindDefinition,
  type NotificationKind,
  type NotifiedApplication,
  webhookIdOf,
} from './notification.ts';
import type { NotificationRecord, NotificationStore } from './notification-store.ts';
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from './retry-schedule.ts';
import { notificationHeaders } from './signature.ts';

/** One message of the notifier's queue: which notification it asks for, and the message itself. */
export interface NotificationMessage extends RetriedMessage {
  readonly kind: NotificationKind;
  readonly applicationId: string;
  /** The message body (the bus event), sent again when the notification must wait. */
  readonly body: string;
  /** The queue's receive count: 1 on the first delivery. */
  readonly attempt: number;
}

/** The applications the notifier reads (applications/dynamo-applications.ts). */
export interface NotifiedApplications {
  byId(applicationId: string): Promise<NotifiedApplication | undefined>;
}

export interface NotifierDependencies {
  readonly applications: NotifiedApplications;
  readonly notifications: NotificationStore;
  readonly endpoint: EmployerEndpoint;
  /** Every `whsec_` secret that signs the employer's notifications now, newest first; never logged. */
  readonly signingSecrets: (employerId: string) => Promise<readonly string[]>;
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

const MAX_ERROR_LENGTH = 1024;

/**
 * How long a later kind waits behind an earlier one that stays pending: longer than the earlier one's whole
 * retry schedule (about a day with jitter). An earlier notification still pending then is stuck (its last
 * message was dead-lettered mid-attempt): failed for good as far as the employer can tell.
 */
const MAX_WAIT_MS = 27 * 3600 * 1000;
/** Waits are re-checked at least this often, and at most every 15 minutes (SQS's longest message delay). */
const MIN_WAIT_SECONDS = 2;
const MAX_WAIT_SECONDS = 900;

const notificationFor = async (
  message: NotificationMessage,
  application: NotifiedApplication,
  deps: NotifierDependencies,
): Promise<NotificationRecord> => {
  const existing = await deps.notifications.get(application.applicationId, message.kind);
  if (existing) return existing;
  const notification = {
    applicationId: application.applicationId,
    kind: message.kind,
    webhookId: webhookIdOf(application.applicationId, message.kind),
    jobId: application.jobId,
    employerId: application.employerId,
    notifyUrl: application.notifyUrl,
    builtAt: deps.now().toISOString(),
    trigger: message.body,
  };
  await deps.notifications.create(notification);
  // Another delivery may have built it first: use theirs, so every attempt has the same timestamp.
  const stored = await deps.notifications.get(application.applicationId, message.kind);
  if (!stored) throw new Error(`notification ${notification.webhookId} vanished after it was written`);
  return stored;
};

/** Publishes the outcome once the bus accepts it (for kinds that announce one), then remembers that it did. */
const announce = async (notification: NotificationRecord, deps: NotifierDependencies): Promise<void> => {
  if (notification.outcomeAnnounced || notification.outcome === undefined) return;
  if (kindDefinition(notification.kind).announcesOutcome) {
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
  }
  await deps.notifications.markAnnounced(notification.applicationId, notification.kind);
  count(notification.outcome === 'delivered' ? 'NotificationsDelivered' : 'NotificationsFailed');
};

const abandoned = (notification: NotificationRecord): PoisonMessageError =>
  new PoisonMessageError(
    `notification ${notification.webhookId} abandoned: ${notification.error ?? 'failed'}`,
  );

/** Settles (first outcome wins) and announces; a failure goes to the dead-letter queue with its reason. */
const conclude = async (
  notification: NotificationRecord,
  outcome: 'delivered' | 'failed',
  deps: NotifierDependencies,
  error?: string,
): Promise<void> => {
  const { applicationId, kind } = notification;
  const settled =
    (await deps.notifications.settle(applicationId, kind, outcome, error)) ??
    (await deps.notifications.get(applicationId, kind));
  if (!settled) throw new Error(`notification ${notification.webhookId} vanished while settling`);
  await announce(settled, deps);
  if (settled.outcome === 'failed') throw abandoned(settled);
};

/**
 * How long this notification must still wait for an earlier kind of the same application (CONTRACT §6: never
 * application.withdrawn before application.received): until that one is delivered or failed for good, or
 * stuck past MAX_WAIT_MS. Undefined when it may go now.
 */
const waitSeconds = async (
  notification: NotificationRecord,
  application: NotifiedApplication,
  deps: NotifierDependencies,
): Promise<number | undefined> => {
  const earlier = earlierKinds(notification.kind).filter((kind) =>
    kindDefinition(kind).askedFor(application),
  );
  if (earlier.length === 0) return undefined;
  const now = deps.now().getTime();
  if (now - Date.parse(notification.builtAt) > MAX_WAIT_MS) return undefined;
  const records = await deps.notifications.ofApplication(application.applicationId);
  const blocking = earlier.map((kind) => records.find((record) => record.kind === kind));
  if (blocking.every((record) => record?.outcome !== undefined)) return undefined;
  // Not built yet (its message is on its way), or in flight: look again soon; else just after its next attempt.
  const next = Math.max(
    ...blocking.map((record) =>
      record?.outcome === undefined && record?.nextAttemptAt ? Date.parse(record.nextAttemptAt) : now,
    ),
  );
  return Math.min(MAX_WAIT_SECONDS, Math.max(MIN_WAIT_SECONDS, Math.ceil((next - now) / 1000) + 2));
};

/**
 * Delivers one notification: build it once (first message), wait behind an earlier kind still pending, then
 * POST its body (rebuilt from the application now) signed with every current secret of the employer. 2xx →
 * delivered; 410 or a refused destination → failed at once; anything else is retried on the schedule until
 * the last attempt, then failed. Failed messages are dead-lettered with their reason.
 */
export const deliverNotification = async (
  message: NotificationMessage,
  deps: NotifierDependencies,
): Promise<void> => {
  const application = await deps.applications.byId(message.applicationId);
  if (!application) throw new PoisonMessageError(`application ${message.applicationId} is unknown`);
  const notification = await notificationFor(message, application, deps);
  const { applicationId, kind, webhookId } = notification;
  if (notification.outcome === 'delivered') {
    // A duplicate of a delivered notification: finish announcing if a crash interrupted it, send nothing.
    await announce(notification, deps);
    return;
  }
  if (notification.outcome === 'failed') {
    // A failed notification is sent again only on a fresh message (redriven from the DLQ, or retried).
    const redriven =
      notification.outcomeAnnounced === true &&
      message.attempt === 1 &&
      (await deps.notifications.reopen(applicationId, kind));
    if (!redriven) {
      await announce(notification, deps);
      throw abandoned(notification);
    }
  }

  const wait = await waitSeconds(notification, application, deps);
  if (wait !== undefined) {
    // A copy comes back later; this message is done, so waiting uses none of the notification's attempts.
    await deps.retries.resendLater(message.body, wait);
    logger.info('employer notification waits for an earlier one', { webhookId, waitSeconds: wait });
    return;
  }

  // Rebuilt from the application at every attempt (an erased application gives an erased body, #15).
  const built = kindDefinition(kind).body(application, notification.builtAt);
  if (built === undefined) {
    throw new PoisonMessageError(`application ${applicationId} asks for no ${kind} notification`);
  }
  const body = JSON.stringify(built);
  const secrets = await deps.signingSecrets(notification.employerId);
  const attemptAt = deps.now();
  const outcome = await deps.endpoint.post({
    url: notification.notifyUrl,
    headers: notificationHeaders(secrets, webhookId, attemptAt, body),
    body,
  });
  logger.info('employer notification attempt', {
    webhookId,
    jobId: notification.jobId,
    employerId: notification.employerId,
    attempt: message.attempt,
    outcome: outcome.kind,
    ...(outcome.kind === 'failed' || outcome.kind === 'refused' ? { reason: outcome.reason } : {}),
  });
  const retry =
    outcome.kind === 'failed' && message.attempt < MAX_DELIVERY_ATTEMPTS
      ? retryDelaySeconds(message.attempt, deps.random, outcome.retryAfterSeconds)
      : undefined;
  const attempts = await deps.notifications.recordAttempt(
    notification,
    {
      at: attemptAt.toISOString(),
      ...('status' in outcome && outcome.status !== undefined ? { statusCode: outcome.status } : {}),
      ...(outcome.kind === 'failed' || outcome.kind === 'refused' ? { error: outcome.reason } : {}),
      durationMs: outcome.durationMs,
    },
    retry === undefined ? undefined : new Date(attemptAt.getTime() + retry * 1000).toISOString(),
  );

  switch (outcome.kind) {
    case 'delivered':
      return conclude(notification, 'delivered', deps);
    case 'gone':
      return conclude(notification, 'failed', deps, 'employer endpoint answered 410 Gone');
    case 'refused':
      return conclude(notification, 'failed', deps, `employer endpoint refused: ${outcome.reason}`);
    case 'failed': {
      count('NotificationAttemptsFailed');
      if (retry === undefined) {
        return conclude(
          notification,
          'failed',
          deps,
          `gave up after ${attempts} attempts; last: ${outcome.reason}`,
        );
      }
      await deps.retries.retryAfter(message, retry);
      throw new NotificationRetryError(`${outcome.reason}; next attempt in ${retry} s`);
    }
  }
};
