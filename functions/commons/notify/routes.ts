import { kindDefinition, NOTIFICATION_KINDS } from './notification.ts';

/**
 * What the notifier takes in, listed once: lib/routing.ts routes the events that ask for a notification (one
 * per kind, so a new kind is routed by being defined) to its queue.
 */
export const NOTIFICATION_EVENTS = NOTIFICATION_KINDS.map((kind) => kindDefinition(kind).trigger);

/** The notifier's queue and its dead-letter queue, as the employer API is given them (retries). */
export const NOTIFICATION_QUEUE_VARIABLE = 'NOTIFICATION_QUEUE_URL';
export const NOTIFICATION_DEAD_LETTER_QUEUE_VARIABLE = 'NOTIFICATION_DEAD_LETTER_QUEUE_URL';
