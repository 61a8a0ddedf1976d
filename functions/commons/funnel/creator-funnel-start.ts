import { creatorRollupKey, hourOf, type Rollups } from './funnel-rollup.ts';

/**
 * Where a creator's funnel starts: told when a profile lists an account for the first time ever, before any claim
 * of it is written (no tap can lead to the profile before that), so that the creator's first funnel read counts the
 * log from then instead of from its beginning. A port of the funnel that the link use cases call.
 */
export interface CreatorFunnelStart {
  firstListed(profileId: string, at: Date): Promise<void>;
}

/** Margin for the clocks of the link functions and the tap routes: the start is an hour before `at`'s hour. */
const CLOCK_MARGIN_MS = 3_600_000;

/**
 * Seeds the creator's rollup with an empty tally through the hour that ended at least the margin before `at`
 * (`Rollups.seed`: only where there is no item, so a repeated or concurrent first listing changes nothing, and a
 * profile listed before keeps its history).
 */
export const creatorFunnelStart = (rollups: Rollups): CreatorFunnelStart => ({
  firstListed: (profileId, at) =>
    rollups.seed(creatorRollupKey(profileId), hourOf(at.getTime() - 2 * CLOCK_MARGIN_MS)),
});
