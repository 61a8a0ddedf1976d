/**
 * One notification per application, built once and then only attempted: retries resend the same body to the
 * same url even if the job or the profile changed since (CONTRACT §2: notifications under way keep the
 * notifyUrl they started with).
 */
export interface NotificationRecord {
  readonly applicationId: string;
  readonly jobId: string;
  readonly employerId: string;
  readonly notifyUrl: string;
  /** The exact bytes POSTed on every attempt (they are what the signature covers). */
  readonly body: string;
  readonly builtAt: string;
  /** POSTs made so far, across every message that carried this application. */
  readonly attempts: number;
  readonly outcome?: 'delivered' | 'failed';
  readonly error?: string;
  /** Set once the bus accepted the Delivered/Failed event, so a crash before that announces it again. */
  readonly outcomeAnnounced?: boolean;
}

export type NewNotification = Omit<NotificationRecord, 'attempts' | 'outcome' | 'error' | 'outcomeAnnounced'>;

export interface NotificationStore {
  get(applicationId: string): Promise<NotificationRecord | undefined>;
  /** First writer wins: false when a notification for this application already exists. */
  create(notification: NewNotification): Promise<boolean>;
  /** Counts one more POST and returns the new count. */
  countAttempt(applicationId: string): Promise<number>;
  /** Records the final outcome; undefined when another delivery settled it first. */
  settle(
    applicationId: string,
    outcome: 'delivered' | 'failed',
    error?: string,
  ): Promise<NotificationRecord | undefined>;
  markAnnounced(applicationId: string): Promise<void>;
  /** Makes a failed, announced notification pending again (a message redriven from the DLQ). */
  reopen(applicationId: string): Promise<boolean>;
}
