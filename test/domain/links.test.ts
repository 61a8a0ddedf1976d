import { describe, expect, it } from 'vitest';
import { linkChanges } from '#links/link-changes.ts';
import {
  type AccountClaim,
  type ApplyCandidate,
  accountPortfolio,
  applyJobOf,
  applyUrl,
  closedCandidate,
  deletedClaim,
  isLinked,
  linksOf,
  NO_LINKS,
  ownerOf,
} from '#links/links.ts';
import { instantKey } from '#shared/instant.ts';

/** A live contender built from its id and instant; a test overrides what it is about. */
const contender =
  <Contender>(build: (id: string, instantKey: string) => Contender) =>
  (id: string, at: string, overrides: Partial<Contender> = {}): Contender => ({
    ...build(id, instantKey(at)),
    ...overrides,
  });

const claim = contender<AccountClaim>((profileId, updatedAtKey) => ({
  profileId,
  version: 1,
  listed: true,
  deleted: false,
  updatedAtKey,
  portfolioUrl: `https://contra.com/${profileId}`,
  showPortfolioLink: true,
}));

const candidate = contender<ApplyCandidate>((jobId, publishedAtKey) => ({
  jobId,
  version: 1,
  listed: true,
  closed: false,
  publishedAtKey,
}));

/**
 * The choice among live contenders does not depend on the order they are listed in: the later one wins over a
 * smaller id, the smaller id wins a tie; each listed first, then last.
 */
const expectOrderFreeChoice = <Contender>(
  contender: (id: string, at: string) => Contender,
  chosenId: (contenders: readonly Contender[]) => string | undefined,
) => {
  const at = '2026-01-01T10:00:00Z';
  const pairs = [
    [contender('z-later', '2026-01-02T00:00:00Z'), contender('a-earlier', at), 'z-later'],
    [contender('a', at), contender('b', at), 'a'],
  ] as const;
  for (const [one, other, winnerId] of pairs) {
    expect(chosenId([one, other])).toBe(winnerId);
    expect(chosenId([other, one])).toBe(winnerId);
  }
};

/**
 * A contender's final entry (Profile Deleted, Job Closed) outranks every version and lists nothing: `expected`
 * names the rest of it exactly; it is never chosen.
 */
const expectFinalEntry = <Contender>(
  final: Contender,
  expected: Omit<Contender, 'version' | 'listed'>,
  chosen: (contenders: readonly Contender[]) => unknown,
) => {
  expect(final).toEqual({ ...expected, version: Number.MAX_SAFE_INTEGER, listed: false });
  expect(chosen([final])).toBeUndefined();
};

const NOW = instantKey('2026-06-01T00:00:00Z');

describe('the owner of an account', () => {
  it('is the live profile with the latest updatedAt, compared as instants', () => {
    const owner = ownerOf({
      claims: [claim('a', '2026-01-01T10:00:00Z'), claim('b', '2026-01-01T12:00:00+01:00')],
    });
    // 12:00+01:00 is 11:00Z: later than 10:00Z.
    expect(owner?.profileId).toBe('b');
  });

  it('breaks a tie on updatedAt with the smallest profileId in plain string order', () => {
    const at = '2026-01-01T10:00:00Z';
    expect(ownerOf({ claims: [claim('b', at), claim('B', at), claim('a', at)] })?.profileId).toBe('B');
  });

  it('ignores deleted profiles and versions that no longer list the account', () => {
    const owner = ownerOf({
      claims: [
        claim('late', '2026-03-01T00:00:00Z', { deleted: true }),
        claim('later', '2026-04-01T00:00:00Z', { listed: false }),
        claim('early', '2026-01-01T00:00:00Z'),
      ],
    });
    expect(owner?.profileId).toBe('early');
  });

  it('is chosen whatever the order of the claims: the winner listed first, then last', () => {
    expectOrderFreeChoice(claim, (claims) => ownerOf({ claims })?.profileId);
  });

  it('does not exist without a live claim: no portfolio link, the account not linked', () => {
    const account = { claims: [claim('gone', '2026-01-01T00:00:00Z', { deleted: true })] };
    expect(ownerOf(account)).toBeUndefined();
    expect(accountPortfolio(account)).toBeNull();
    expect(accountPortfolio({ claims: [] })).toBeNull();
    expect(isLinked(account)).toBe(false);
    expect(isLinked({ claims: [claim('unlisted', '2026-01-01T00:00:00Z', { listed: false })] })).toBe(false);
    expect(isLinked({ claims: [account.claims[0]!, claim('live', '2026-01-01T00:00:00Z')] })).toBe(true);
  });

  it('is never a deleted profile: its final claim outranks every version and lists nothing', () => {
    expectFinalEntry(
      deletedClaim('p'),
      { profileId: 'p', deleted: true, updatedAtKey: '', portfolioUrl: '', showPortfolioLink: false },
      (claims) => ownerOf({ claims }),
    );
  });

  it('keeps an owner who hides the link: no fallback to another profile', () => {
    const account = {
      claims: [
        claim('hider', '2026-02-01T00:00:00Z', { showPortfolioLink: false }),
        claim('other', '2026-01-01T00:00:00Z'),
      ],
    };
    expect(ownerOf(account)?.profileId).toBe('hider');
    expect(accountPortfolio(account)).toBeNull();
  });
});

describe('a disconnection', () => {
  const owner = claim('p', '2026-01-01T10:00:00Z');

  it('cuts the portfolio link when at or after the owner update', () => {
    expect(
      accountPortfolio({ claims: [owner], disconnectedAtKey: instantKey('2026-01-01T10:00:00Z') }),
    ).toBeNull();
    expect(
      accountPortfolio({ claims: [owner], disconnectedAtKey: instantKey('2026-01-02T00:00:00Z') }),
    ).toBeNull();
  });

  it('is lifted by a later profile update', () => {
    const link = accountPortfolio({
      claims: [owner],
      disconnectedAtKey: instantKey('2026-01-01T09:59:59.999Z'),
    });
    expect(link).toEqual({ profileId: 'p', url: 'https://contra.com/p' });
  });

  it('compares sub-millisecond instants exactly', () => {
    const precise = claim('p', '2026-01-01T10:00:00.0000001Z');
    expect(
      accountPortfolio({ claims: [precise], disconnectedAtKey: instantKey('2026-01-01T10:00:00Z') }),
    ).not.toBeNull();
  });
});

describe('the apply job of a video', () => {
  it('is the live job published last, then the smallest jobId', () => {
    expect(
      applyJobOf([candidate('j2', '2026-01-01T00:00:00Z'), candidate('j1', '2026-02-01T00:00:00Z')], NOW)
        ?.jobId,
    ).toBe('j1');
    expect(
      applyJobOf([candidate('j2', '2026-01-01T00:00:00Z'), candidate('j1', '2026-01-01T00:00:00Z')], NOW)
        ?.jobId,
    ).toBe('j1');
  });

  it('is chosen whatever the order of the candidates: the winner listed first, then last', () => {
    expectOrderFreeChoice(candidate, (candidates) => applyJobOf(candidates, NOW)?.jobId);
  });

  it('is never a closed job: its final entry outranks every version and lists nothing', () => {
    expectFinalEntry(closedCandidate('j'), { jobId: 'j', closed: true, publishedAtKey: '' }, (candidates) =>
      applyJobOf(candidates, NOW),
    );
  });

  it('is live until its closesAt, and without one', () => {
    expect(applyJobOf([candidate('open', '2026-01-01T00:00:00Z')], NOW)?.jobId).toBe('open');
    const closesLater = candidate('later', '2026-01-01T00:00:00Z', {
      closesAtKey: instantKey('2026-06-01T00:00:01Z'),
    });
    expect(applyJobOf([closesLater], NOW)?.jobId).toBe('later');
  });

  it('skips closed jobs, jobs that no longer list the video and jobs whose closesAt has passed', () => {
    const chosen = applyJobOf(
      [
        candidate('closed', '2026-05-01T00:00:00Z', { closed: true }),
        candidate('unlisted', '2026-05-02T00:00:00Z', { listed: false }),
        candidate('expired', '2026-05-03T00:00:00Z', { closesAtKey: instantKey('2026-05-31T23:59:59Z') }),
        candidate('expires-now', '2026-05-04T00:00:00Z', { closesAtKey: NOW }),
        candidate('open', '2026-01-01T00:00:00Z', { closesAtKey: instantKey('2026-07-01T00:00:00Z') }),
      ],
      NOW,
    );
    expect(chosen?.jobId).toBe('open');
  });
});

describe('the links of a video', () => {
  const inputs = {
    account: { claims: [claim('p', '2026-01-01T00:00:00Z')] },
    candidates: [candidate('job 1', '2026-01-01T00:00:00Z')],
    nowKey: NOW,
    publicBaseUrl: 'https://api.example/',
  };

  it('are both active on a posted video, the apply url on the public base url', () => {
    expect(linksOf({ ...inputs, video: { posted: true, removed: false } })).toEqual({
      portfolio: { profileId: 'p', url: 'https://contra.com/p' },
      apply: { jobId: 'job 1', url: 'https://api.example/jobs/job%201/apply' },
    });
  });

  it('put the apply url on the public base url, whatever its trailing slashes', () => {
    for (const base of ['https://api.example', 'https://api.example/', 'https://api.example//'])
      expect(applyUrl(base, 'job/1 é')).toBe('https://api.example/jobs/job%2F1%20%C3%A9/apply');
  });

  it('have a portfolio link without an apply link, and the other way round', () => {
    const video = { posted: true, removed: false };
    expect(linksOf({ ...inputs, video, candidates: [] })).toEqual({
      portfolio: { profileId: 'p', url: 'https://contra.com/p' },
      apply: null,
    });
    expect(linksOf({ ...inputs, video, account: undefined })).toEqual({
      portfolio: null,
      apply: { jobId: 'job 1', url: 'https://api.example/jobs/job%201/apply' },
    });
  });

  it('are inactive before the post and after a removal', () => {
    expect(NO_LINKS).toEqual({ portfolio: null, apply: null });
    expect(linksOf({ ...inputs, video: undefined })).toEqual({ portfolio: null, apply: null });
    expect(linksOf({ ...inputs, video: { posted: false, removed: false } })).toEqual({
      portfolio: null,
      apply: null,
    });
    expect(linksOf({ ...inputs, video: { posted: true, removed: true } })).toEqual({
      portfolio: null,
      apply: null,
    });
  });
});

describe('Link Changed', () => {
  const video = { platform: 'tiktok' as const, videoId: 'v' };
  const active = { portfolio: { profileId: 'p', url: 'https://contra.com/p' }, apply: null };

  it('is emitted when a link turns on, changes target or url, and names the last target when it turns off', () => {
    expect(linkChanges(video, { portfolio: null, apply: null }, active)).toEqual([
      { ...video, kind: 'portfolio', state: 'active', url: 'https://contra.com/p', profileId: 'p' },
    ]);
    expect(
      linkChanges(video, active, {
        portfolio: { profileId: 'p', url: 'https://contra.com/new' },
        apply: null,
      }),
    ).toHaveLength(1);
    expect(linkChanges(video, active, { portfolio: null, apply: null })).toEqual([
      { ...video, kind: 'portfolio', state: 'inactive', profileId: 'p' },
    ]);
  });

  it('is not emitted when nothing changed', () => {
    expect(linkChanges(video, active, { ...active })).toEqual([]);
  });
});
