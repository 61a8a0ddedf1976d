import { describe, expect, it } from 'vitest';
import { scanLogs } from '../../reliability/log-scan.ts';
import { namesOf, PersonalValues } from '../../reliability/personal-values.ts';

/** The log search for personal values (CONTRACT §7), on lines planted with what a run sent. */
describe('personal values in logs', () => {
  const profileId = 'rel-prof-7';
  const sent = () => {
    const personal = new PersonalValues();
    personal.addFromEvent({
      profileId,
      ...namesOf(profileId),
      portfolioUrl: 'https://contra.com/José Ñ',
      linkedAccounts: [],
    });
    personal.addFromEvent({
      applicationId: 'a1',
      applicant: { handle: 'nested.handle', displayName: 'Zoë "Z" Ödegaard' },
    });
    personal.addBearer('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWwtcHJvZi03In0.c2lnbmF0dXJl');
    personal.addBearer('Bearer rhk_ZW1wXzE.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    personal.addFromBody('{"type":"profile.updated","data":{"handle":"refused.webhook.handle"}}');
    personal.addFromEvent({ handle: 'ab' });
    return personal;
  };

  it('collects every personal field of events and bodies, nested too, and every bearer token by kind', () => {
    const personal = sent();
    expect(personal.counts()).toEqual({
      byKind: {
        handle: 4,
        'display name': 2,
        // As sent and as its normalized href.
        'portfolio url': 2,
        'viewer JWT': 1,
        'employer key': 1,
      },
      skipped: 1,
    });
    expect(personal.searched().map((value) => value.value)).toContain(
      'https://contra.com/Jos%C3%A9%20%C3%91',
    );
  });

  it('finds a planted value however it is quoted, counted by kind, and not a line naming only the profile', () => {
    const personal = sent();
    const lines = [
      `{"level":"INFO","message":"application stored","profileId":"${profileId}"}`,
      '{"message":"notified","applicant":{"displayName":"Zoë \\"Z\\" Ödegaard"}}',
      '[runtime] GET /links/x 302 https://contra.com/Jos%C3%A9%20%C3%91',
      'authorization: Bearer rhk_ZW1wXzE.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `{"handle":"${profileId}_handle"}`,
    ];
    const scan = scanLogs(lines, personal.searched());
    expect(scan.hits).toEqual([
      { name: 'handle', lines: 1 },
      { name: 'display name', lines: 1 },
      { name: 'portfolio url', lines: 1 },
      { name: 'employer key', lines: 1 },
    ]);
    expect(scanLogs(lines.slice(0, 1), personal.searched()).hits).toEqual([]);
  });
});
