import { describe, expect, it } from 'vitest';
import {
  earlierKinds,
  kindDefinition,
  kindOfTrigger,
  NOTIFICATION_KINDS,
  type NotifiedApplication,
  parseWebhookId,
  webhookIdOf,
} from '#notify/notification.ts';
import { sampleApplication } from '../support/entities.ts';

const application: NotifiedApplication = sampleApplication();

describe('notification kinds', () => {
  it('are received, then withdrawn: each waits for the ones before it', () => {
    expect(NOTIFICATION_KINDS).toEqual(['received', 'withdrawn']);
    expect(earlierKinds('received')).toEqual([]);
    expect(earlierKinds('withdrawn')).toEqual(['received']);
  });

  it('are asked for by Application Submitted and Application Withdrawn', () => {
    expect(kindOfTrigger('Application Submitted')).toBe('received');
    expect(kindOfTrigger('Application Withdrawn')).toBe('withdrawn');
    expect(kindOfTrigger('Application Status Changed')).toBeUndefined();
  });

  it('have webhook-ids that name their application and kind, and read back', () => {
    for (const kind of NOTIFICATION_KINDS) {
      expect(parseWebhookId(webhookIdOf('app_1', kind))).toEqual({ applicationId: 'app_1', kind });
    }
    expect(webhookIdOf('app_1', 'withdrawn')).toBe('app_1.withdrawn');
    expect(parseWebhookId('.withdrawn')).toBeUndefined();
  });

  it('build application.withdrawn only for a withdrawn application, from its history', () => {
    expect(kindDefinition('withdrawn').askedFor(application)).toBe(false);
    expect(kindDefinition('withdrawn').body(application, '2026-11-22T00:00:00Z')).toBeUndefined();
    const withdrawn = {
      ...application,
      history: [...application.history, { status: 'withdrawn' as const, at: '2026-11-22T08:00:00Z' }],
    };
    expect(kindDefinition('withdrawn').body(withdrawn, '2026-11-22T09:00:00.000Z')).toEqual({
      type: 'application.withdrawn',
      timestamp: '2026-11-22T09:00:00.000Z',
      data: {
        applicationId: 'app_1',
        jobId: 'job_1',
        employerId: 'emp_1',
        withdrawnAt: '2026-11-22T08:00:00Z',
      },
    });
  });
});
