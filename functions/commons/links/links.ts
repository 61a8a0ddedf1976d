/**
 * What a link is (CONTRACT §3), as pure functions of the state the handlers converge to. No AWS here: the store
 * reads items into these shapes, and the same functions answer GET /links, decide which Link Changed events to
 * emit, and compute the reference answer in the property tests.
 */

/** A profile's claim on an account, as of the profile's latest version that the account has seen. */
export interface AccountClaim {
  readonly profileId: string;
  readonly version: number;
  /** The profile's latest version lists the account. */
  readonly listed: boolean;
  /** Profile Deleted is final. */
  readonly deleted: boolean;
  /** Instant key (shared/instant.ts) of that version's `updatedAt`. */
  readonly updatedAtKey: string;
  readonly portfolioUrl: string;
  readonly showPortfolioLink: boolean;
}

export interface AccountState {
  readonly claims: readonly AccountClaim[];
  /** Instant key of the latest Account Disconnected's `disconnectedAt`. */
  readonly disconnectedAtKey?: string;
}

export interface VideoState {
  readonly posted: boolean;
  readonly removed: boolean;
}

/** A job's claim on a video, as of the job's latest version that the video has seen. */
export interface ApplyCandidate {
  readonly jobId: string;
  readonly version: number;
  /** The job's latest version lists the video. */
  readonly listed: boolean;
  /** Job Closed is final. */
  readonly closed: boolean;
  readonly publishedAtKey: string;
  readonly closesAtKey?: string;
}

export interface PortfolioLink {
  readonly profileId: string;
  readonly url: string;
}

export interface ApplyLink {
  readonly jobId: string;
  readonly url: string;
}

export interface VideoLinks {
  readonly portfolio: PortfolioLink | null;
  readonly apply: ApplyLink | null;
}

const isLiveClaim = (claim: AccountClaim): boolean => claim.listed && !claim.deleted;

/**
 * The contract's choice among live contenders (an account's owner, a video's job): the latest instant, then
 * the smallest id in plain string order.
 */
const latestThenSmallest = <Contender>(
  contenders: readonly Contender[],
  isLive: (contender: Contender) => boolean,
  instantKeyOf: (contender: Contender) => string,
  idOf: (contender: Contender) => string,
): Contender | undefined => {
  let chosen: Contender | undefined;
  for (const contender of contenders) {
    if (!isLive(contender)) continue;
    if (
      chosen === undefined ||
      instantKeyOf(contender) > instantKeyOf(chosen) ||
      (instantKeyOf(contender) === instantKeyOf(chosen) &&
        // Plain string order, as the contract's tie-break says (not locale order).
        // Stryker disable next-line EqualityOperator: equivalent, contenders never share an id (one claim per profile, one entry per job), so `<=` chooses the same
        idOf(contender) < idOf(chosen))
    ) {
      chosen = contender;
    }
  }
  return chosen;
};

/**
 * The owner of an account: the live profile whose latest version lists it; on a tie the latest `updatedAt`,
 * then the smallest profileId.
 */
export const ownerOf = (account: AccountState): AccountClaim | undefined =>
  latestThenSmallest(
    account.claims,
    isLiveClaim,
    (claim) => claim.updatedAtKey,
    (claim) => claim.profileId,
  );

/** True iff some live profile lists the account (a YouTube channel then needs a WebSub subscription). */
export const isLinked = (account: AccountState): boolean => account.claims.some(isLiveClaim);

/**
 * The portfolio link every posted, not removed video of the account carries: the owner's, if they show it and
 * no disconnection at or after their latest update cuts it. An owner who hides the link still owns the account.
 */
export const accountPortfolio = (account: AccountState): PortfolioLink | null => {
  const owner = ownerOf(account);
  if (!owner?.showPortfolioLink) return null;
  // No disconnection reads as '', before every instant key: it cuts nothing.
  if ((account.disconnectedAtKey ?? '') >= owner.updatedAtKey) return null;
  return { profileId: owner.profileId, url: owner.portfolioUrl };
};

const isLiveVideo = (video: VideoState | undefined): boolean => video?.posted === true && !video.removed;

const isLiveCandidate = (candidate: ApplyCandidate, nowKey: string): boolean =>
  candidate.listed &&
  !candidate.closed &&
  (candidate.closesAtKey === undefined || candidate.closesAtKey > nowKey);

/** The job whose apply link a video carries now: live, latest `publishedAt`, then the smallest jobId. */
export const applyJobOf = (
  candidates: readonly ApplyCandidate[],
  nowKey: string,
): ApplyCandidate | undefined =>
  latestThenSmallest(
    candidates,
    (candidate) => isLiveCandidate(candidate, nowKey),
    (candidate) => candidate.publishedAtKey,
    (candidate) => candidate.jobId,
  );

export const applyUrl = (publicBaseUrl: string, jobId: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/jobs/${encodeURIComponent(jobId)}/apply`;

export interface LinkInputs {
  readonly video: VideoState | undefined;
  readonly account: AccountState | undefined;
  readonly candidates: readonly ApplyCandidate[];
  readonly nowKey: string;
  readonly publicBaseUrl: string;
}

/** The version a final claim or candidate carries (deleted profile, closed job), so no later version undoes it. */
const FINAL_VERSION = Number.MAX_SAFE_INTEGER;

/** The claim a deleted profile leaves on an account: final, so no version of it can claim the account again. */
export const deletedClaim = (profileId: string): AccountClaim => ({
  profileId,
  version: FINAL_VERSION,
  listed: false,
  deleted: true,
  updatedAtKey: '',
  portfolioUrl: '',
  showPortfolioLink: false,
});

/** The entry a closed job leaves on a video it listed: final. */
export const closedCandidate = (jobId: string): ApplyCandidate => ({
  jobId,
  version: FINAL_VERSION,
  listed: false,
  closed: true,
  publishedAtKey: '',
});

/** A video with neither link active. */
export const NO_LINKS: VideoLinks = { portfolio: null, apply: null };

/**
 * The instant key at which a video's links next change by time alone, if any: its Apply link's job's `closesAt`
 * (a closing is the only change that comes without an event; another job closing changes nothing while this one
 * stays chosen).
 */
export const timedChangeKeyOf = ({
  video,
  candidates,
  nowKey,
}: Pick<LinkInputs, 'video' | 'candidates' | 'nowKey'>): string | undefined =>
  isLiveVideo(video) ? applyJobOf(candidates, nowKey)?.closesAtKey : undefined;

/** Both links of a video, evaluated now. */
export const linksOf = ({ video, account, candidates, nowKey, publicBaseUrl }: LinkInputs): VideoLinks => {
  if (!isLiveVideo(video)) return NO_LINKS;
  const job = applyJobOf(candidates, nowKey);
  return {
    portfolio: account ? accountPortfolio(account) : null,
    apply: job ? { jobId: job.jobId, url: applyUrl(publicBaseUrl, job.jobId) } : null,
  };
};
