import type { NotificationKind } from './notification.ts';

/** One POST to the employer, as the delivery log shows it. */
export interface DeliveryAttempt {
  readonly at: string;
  readonly statusCode?: number;
  readonly error?: string;
  readonly durationMs: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/**
 * One notification per application and kind: where it goes, when it was first built, its attempts and outcome.
 * Its body is rebuilt from the application at every attempt, keeping `builtAt` as the body's `timestamp`; the
 * records are the employer's delivery log (byEmployer index, newest attempt first, kept 30 days).
 */
export interface NotificationRecord {
  readonly applicationId: string;
  readonly kind: NotificationKind;
  readonly webhookId: string;
  readonly jobId: string;
  readonly employerId: string;
  /** The url of its first attempt; retries keep it (CONTRACT §2: notifications under way keep their url). */
  readonly notifyUrl: string;
  readonly builtAt: string;
  /** The bus event that asked for it, as its queue delivered it: a retry from the employer API sends it again. */
  readonly trigger: string;
  /** POSTs made so far, across every message that carried it. */
  readonly attempts: number;
  readonly attemptLog: readonly DeliveryAttempt[];
  readonly lastAttemptAt?: string;
  /** When its next scheduled attempt comes: a later kind of the same application waits for it. */
  readonly nextAttemptAt?: string;
  readonly outcome?: 'delivered' | 'failed';
  readonly error?: string;
  /** Set once the bus accepted the Delivered/Failed event (or the kind announces none). */
  readonly outcomeAnnounced?: boolean;
  /** Epoch seconds, 30 days after its latest attempt: DynamoDB's TTL removes it, readers skip it before that. */
  readonly expiresAt: number;
}

export type NewNotification = Pick<
  NotificationRecord,
  'applicationId' | 'kind' | 'webhookId' | 'jobId' | 'employerId' | 'notifyUrl' | 'builtAt' | 'trigger'
>;

export const stateOf = (record: NotificationRecord): DeliveryState => record.outcome ?? 'pending';

/** Where the delivery log goes on from. */
export interface DeliveryPosition {
  readonly sortKey: string;
  readonly applicationId: string;
  readonly kind: NotificationKind;
}

export interface NotificationStore {
  get(applicationId: string, kind: NotificationKind): Promise<NotificationRecord | undefined>;
  /** Every kind of one application's notifications (one partition). */
  ofApplication(applicationId: string): Promise<NotificationRecord[]>;
  /** First writer wins: false when this notification exists already. */
  create(notification: NewNotification): Promise<boolean>;
  /** Logs one POST (and when the next comes, if one is scheduled); returns the attempts made so far. */
  recordAttempt(
    notification: Pick<NotificationRecord, 'applicationId' | 'kind' | 'webhookId'>,
    attempt: DeliveryAttempt,
    nextAttemptAt?: string,
  ): Promise<number>;
  /** Records the final outcome; undefined when another delivery settled it first. */
  settle(
    applicationId: string,
    kind: NotificationKind,
    outcome: 'delivered' | 'failed',
    error?: string,
  ): Promise<NotificationRecord | undefined>;
  markAnnounced(applicationId: string, kind: NotificationKind): Promise<void>;
  /** Makes a failed, announced notification pending again (a message redriven from the DLQ). */
  reopen(applicationId: string, kind: NotificationKind): Promise<boolean>;
  /** Makes a settled notification pending again, whatever its outcome (the employer asked to retry it). */
  reopenForRetry(applicationId: string, kind: NotificationKind): Promise<void>;
  /** The employer's notifications, newest latest attempt first, not expired at `now`. */
  byEmployer(
    employerId: string,
    state: DeliveryState | undefined,
    now: Date,
    limit: number,
    after?: DeliveryPosition,
  ): Promise<{ readonly records: readonly NotificationRecord[]; readonly next?: DeliveryPosition }>;
}
