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
  it('are received, then withdrawn, then erased: each waits for the ones before it', () => {
    expect(NOTIFICATION_KINDS).toEqual(['received', 'withdrawn', 'erased']);
    expect(earlierKinds('received')).toEqual([]);
    expect(earlierKinds('withdrawn')).toEqual(['received']);
    expect(earlierKinds('erased')).toEqual(['received', 'withdrawn']);
  });

  it('are asked for by Application Submitted, Application Withdrawn and Application Erased', () => {
    expect(kindOfTrigger('Application Submitted')).toBe('received');
    expect(kindOfTrigger('Application Withdrawn')).toBe('withdrawn');
    expect(kindOfTrigger('Application Erased')).toBe('erased');
    expect(kindOfTrigger('Application Status Changed')).toBeUndefined();
  });

  it('have webhook-ids that name their application and kind, and read back', () => {
    for (const kind of NOTIFICATION_KINDS) {
      expect(parseWebhookId(webhookIdOf('app_1', kind))).toEqual({ applicationId: 'app_1', kind });
    }
    expect(webhookIdOf('app_1', 'withdrawn')).toBe('app_1.withdrawn');
    expect(webhookIdOf('app_1', 'erased')).toBe('app_1.erased');
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

describe('erased applications', () => {
  const erasedApplication: NotifiedApplication = {
    ...application,
    applicant: { profileId: 'prof_1', erased: true },
    via: undefined,
    erasedAt: '2026-11-23T00:00:00Z',
  };

  it('build application.erased only once erased, with ids and the instant only', () => {
    expect(kindDefinition('erased').askedFor(application)).toBe(false);
    expect(kindDefinition('erased').body(application, '2026-11-22T00:00:00Z')).toBeUndefined();
    expect(kindDefinition('erased').askedFor(erasedApplication)).toBe(true);
    expect(kindDefinition('erased').body(erasedApplication, '2026-11-23T00:00:01.000Z')).toEqual({
      type: 'application.erased',
      timestamp: '2026-11-23T00:00:01.000Z',
      data: { applicationId: 'app_1', jobId: 'job_1', employerId: 'emp_1', erasedAt: '2026-11-23T00:00:00Z' },
    });
  });

  it('rebuild a pending application.received from the erased record', () => {
    const body = kindDefinition('received').body(erasedApplication, '2026-11-21T18:30:01.000Z');
    expect(body).toMatchObject({
      type: 'application.received',
      data: { applicant: { profileId: 'prof_1', erased: true }, via: null, jobTitle: 'Designer' },
    });
    expect(JSON.stringify(body)).not.toMatch(/maya|Maya/);
  });
});
