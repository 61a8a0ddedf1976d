import { describe, expect, it } from 'vitest';
import {
  type Application,
  applicantView,
  decideChange,
  employerView,
  erased,
  IDLE_DAYS,
  isFinal,
  nextDueAt,
  pendingEvents,
  RETENTION_DAYS,
  sweepAction,
} from '#applications/application.ts';
import { definitionOf } from '#events/catalog.ts';
import { APPLICATION_STATUSES } from '#events/fields.ts';
import { sampleApplication } from '../support/entities.ts';

const application = (): Application => sampleApplication();

/** `from` after a change to `status` that must be allowed; at 2026-11-22T10:00:00Z, without a note, unless told. */
const changed = (
  from: Application,
  status: Application['status'],
  by: 'employer' | 'applicant' | 'reelhire',
  { at = '2026-11-22T10:00:00Z', note }: { at?: string; note?: string } = {},
) => {
  const decision = decideChange(from, { status, by, at, ...(note === undefined ? {} : { note }) });
  if (decision.kind !== 'changed') throw new Error(`expected a change, got ${decision.kind}`);
  return decision.application;
};

describe('status changes', () => {
  it('lets each actor set only its statuses', () => {
    const open = application();
    for (const status of APPLICATION_STATUSES) {
      const employer = decideChange(open, { status, by: 'employer', at: '2026-11-22T10:00:00Z' }).kind;
      const expected = ['reviewing', 'interviewing', 'offered', 'hired', 'rejected'].includes(status)
        ? 'changed'
        : status === 'submitted'
          ? 'unchanged'
          : 'notAllowed';
      expect(employer, status).toBe(expected);
    }
    expect(
      decideChange(open, { status: 'withdrawn', by: 'applicant', at: '2026-11-22T10:00:00Z' }).kind,
    ).toBe('changed');
    expect(decideChange(open, { status: 'closed', by: 'applicant', at: '2026-11-22T10:00:00Z' }).kind).toBe(
      'notAllowed',
    );
    expect(decideChange(open, { status: 'closed', by: 'reelhire', at: '2026-11-22T10:00:00Z' }).kind).toBe(
      'changed',
    );
  });

  it('keeps final statuses final, answers the same status as unchanged, and lets any open status follow any other', () => {
    const offered = changed(changed(application(), 'interviewing', 'employer'), 'offered', 'employer');
    expect(changed(offered, 'reviewing', 'employer').status).toBe('reviewing');
    for (const final of ['hired', 'rejected', 'withdrawn', 'closed'] as const) {
      const by = final === 'withdrawn' ? 'applicant' : final === 'closed' ? 'reelhire' : 'employer';
      const done = changed(offered, final, by);
      expect(isFinal(done.status)).toBe(true);
      expect(
        decideChange(done, { status: 'reviewing', by: 'employer', at: '2026-11-23T00:00:00Z' }).kind,
      ).toBe('final');
      expect(decideChange(done, { status: final, by, at: '2026-11-23T00:00:00Z' }).kind).toBe('unchanged');
    }
  });

  it('records each change in the history with its note, never going back in time', () => {
    const reviewing = changed(application(), 'reviewing', 'employer', {
      at: '2026-11-20T00:00:00Z',
      note: 'looking',
    });
    expect(reviewing.history).toEqual([
      { status: 'submitted', at: '2026-11-21T18:30:00Z', by: 'applicant' },
      { status: 'reviewing', at: '2026-11-21T18:30:00Z', by: 'employer', note: 'looking' },
    ]);
    expect(reviewing.revision).toBe(2);
  });
});

describe('the outbox', () => {
  it('publishes Application Submitted first, then a Status Changed per change (and Withdrawn), each valid', () => {
    const withdrawn = changed(changed(application(), 'reviewing', 'employer'), 'withdrawn', 'applicant');
    const events = pendingEvents(withdrawn);
    expect(events.map((event) => `${event.origin} ${event.detailType}`)).toEqual([
      'api Application Submitted',
      'api Application Status Changed',
      'api Application Status Changed',
      'api Application Withdrawn',
    ]);
    for (const event of events) {
      const definition = definitionOf(event.detailType);
      expect(definition?.origins).toContain(event.origin);
      expect(definition?.schema.safeParse(event.detail).success).toBe(true);
    }
    expect(pendingEvents({ ...withdrawn, publishedThrough: 2 }).map((event) => event.detailType)).toEqual([
      'Application Status Changed',
      'Application Withdrawn',
    ]);
    expect(pendingEvents({ ...withdrawn, publishedThrough: 2 })[0]?.detail).toEqual({
      applicationId: 'app_1',
      jobId: 'job_1',
      profileId: 'prof_1',
      employerId: 'emp_1',
      status: 'withdrawn',
      changedAt: '2026-11-22T10:00:00Z',
    });
  });

  it('publishes ReelHire’s closed from reelhire.links', () => {
    const closed = changed(application(), 'closed', 'reelhire');
    expect(pendingEvents({ ...closed, publishedThrough: 1 }).map((event) => event.origin)).toEqual(['links']);
  });
});

describe('when ReelHire looks again', () => {
  it('is a minute after a change still to publish, else a year after the last change while open, else a year after it became final', () => {
    const fresh = application();
    expect(nextDueAt(fresh)?.toISOString()).toBe('2026-11-21T18:31:00.000Z');
    const published = { ...fresh, publishedThrough: 1 };
    expect(nextDueAt(published)?.toISOString()).toBe(
      new Date(Date.parse('2026-11-21T18:30:00Z') + IDLE_DAYS * 86_400_000).toISOString(),
    );
    const rejected = changed(published, 'rejected', 'employer');
    expect(nextDueAt({ ...rejected, publishedThrough: 2 }).toISOString()).toBe(
      new Date(Date.parse('2026-11-22T10:00:00Z') + RETENTION_DAYS * 86_400_000).toISOString(),
    );
  });

  it('publishes what is pending, closes what has been idle a year, and otherwise waits', () => {
    const published = { ...application(), publishedThrough: 1 };
    expect(sweepAction(application(), new Date('2026-11-21T18:32:00Z'))).toBe('publish');
    expect(sweepAction(published, new Date('2027-11-21T18:29:59Z'))).toBe('reschedule');
    expect(sweepAction(published, new Date('2027-11-21T18:30:00Z'))).toBe('closeIdle');
    const rejected = { ...changed(published, 'rejected', 'employer'), publishedThrough: 2 };
    expect(sweepAction(rejected, new Date('2027-11-22T09:59:59Z'))).toBe('reschedule');
    expect(sweepAction(rejected, new Date('2027-11-22T10:00:00Z'))).toBe('shrink');
  });
});

describe('views', () => {
  it('shows the employer the applicant and the applicant no one else', () => {
    const app = application();
    expect(employerView(app)).toEqual({
      applicationId: 'app_1',
      jobId: 'job_1',
      jobTitle: 'Designer',
      status: 'submitted',
      history: [{ status: 'submitted', at: '2026-11-21T18:30:00Z', by: 'applicant' }],
      applicant: app.applicant,
      via: { platform: 'tiktok', videoId: '1' },
      submittedAt: '2026-11-21T18:30:00Z',
      updatedAt: '2026-11-21T18:30:00Z',
    });
    const { applicant: _, ...rest } = employerView(app);
    expect(applicantView(app)).toEqual(rest);
    expect(applicantView({ ...app, via: undefined }).via).toBeNull();
  });
});

describe('erasure (CONTRACT §7)', () => {
  it('keeps ids, title, status, history without notes and instants; the applicant is erased, via null', () => {
    const before = changed(application(), 'interviewing', 'employer', { note: 'call Maya on Thursday' });
    const after = erased(before, '2026-11-23T00:00:00Z');
    expect(after).toBeDefined();
    if (after === undefined) return;
    expect(employerView(after)).toEqual({
      applicationId: 'app_1',
      jobId: 'job_1',
      jobTitle: 'Designer',
      status: 'interviewing',
      history: [
        { status: 'submitted', at: '2026-11-21T18:30:00Z', by: 'applicant' },
        { status: 'interviewing', at: '2026-11-22T10:00:00Z', by: 'employer' },
      ],
      applicant: { profileId: 'prof_1', erased: true },
      via: null,
      submittedAt: '2026-11-21T18:30:00Z',
      updatedAt: '2026-11-22T10:00:00Z',
    });
    expect(JSON.stringify(after)).not.toMatch(/maya|Maya|Thursday/);
    expect(after.revision).toBe(before.revision + 1);
    expect(after.erasedAt).toBe('2026-11-23T00:00:00Z');
    // Statuses stay, and erasure publishes no status change of its own; what is still to publish loses the
    // personal values too (the note, the via).
    expect(pendingEvents(after).map((event) => event.detailType)).toEqual(
      pendingEvents(before).map((event) => event.detailType),
    );
    expect(JSON.stringify(pendingEvents(after))).not.toMatch(/Thursday|"via"/);
    expect(erased(after, '2026-11-24T00:00:00Z')).toBeUndefined();
  });

  it('keeps no note of a change made after the erasure', () => {
    const after = erased(application(), '2026-11-23T00:00:00Z');
    if (after === undefined) throw new Error('expected an erasure');
    const decision = decideChange(after, {
      status: 'rejected',
      by: 'employer',
      at: '2026-11-24T00:00:00Z',
      note: 'Maya was great',
    });
    expect(decision.kind === 'changed' && decision.application.history.at(-1)).toEqual({
      status: 'rejected',
      at: '2026-11-24T00:00:00Z',
      by: 'employer',
    });
  });
});
