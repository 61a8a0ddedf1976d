/**
 * Every metric the functions emit, named once: `count()` takes only these names, and the dashboard
 * (lib/constructs/monitoring.ts) draws them. EMF, namespace POWERTOOLS_METRICS_NAMESPACE, dimension `service`.
 */
export type MetricName =
  | 'EventsProcessed'
  | 'EventsDeadLettered'
  | 'LinksChanged'
  | 'JobsExpired'
  | 'ApplicationsSubmitted'
  | 'ApplicationsOverLimit'
  | 'ApplicationStatusesChanged'
  | 'ApplicationsWithdrawn'
  | 'ApplicationsClosed'
  | 'ApplicationChangesRepublished'
  | 'NotificationsDelivered'
  | 'NotificationsFailed'
  | 'NotificationAttemptsFailed'
  | 'WebSubRenewalsRequested'
  | 'WebSubSubscribeSent'
  | 'WebSubUnsubscribeSent'
  | `${WebhookMetricPlatform}Webhook${WebhookMetricOutcome}`;

/** Each webhook delivery counts once, as `<platform>Webhook<outcome>` (`TikTokWebhookAccepted`). */
export type WebhookMetricPlatform = 'TikTok' | 'YouTube' | 'Contra';
export type WebhookMetricOutcome =
  | 'Accepted'
  | 'Duplicate'
  | 'Ignored'
  | 'UnverifiedDropped'
  | 'Unauthorized'
  | 'Invalid'
  | 'PublishFailed';
