import { EVENTS, type LinkChanged } from '#events/catalog.ts';
import type { AccountRef } from '#events/fields.ts';
import type { CreatorFunnelStart } from '#funnel/creator-funnel-start.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { instantKeyOfDate } from '#shared/instant.ts';
import { count } from '#shared/observability.ts';
import type {
  AccountStore,
  AccountWrite,
  JobStore,
  LinkStores,
  ProfileStore,
  VideoStore,
} from './link-stores.ts';
import { type AccountState, accountPortfolio, isLinked, type PortfolioLink } from './links.ts';

/** What the link use cases need: the stores, the bus, a clock and the public base url. */
export interface LinkDependencies {
  readonly stores: LinkStores;
  readonly publisher: EventPublisher;
  readonly publicBaseUrl: string;
  readonly clock: () => Date;
  /** Told of a profile's first listing ever, so that its funnel reads start there. @default none told */
  readonly creatorFunnels?: CreatorFunnelStart;
}

/** The stores and announcements shared by every link use case. */
export class LinkContext {
  readonly videos: VideoStore;
  readonly accounts: AccountStore;
  readonly profiles: ProfileStore;
  readonly jobs: JobStore;
  readonly publicBaseUrl: string;
  readonly creatorFunnels: CreatorFunnelStart | undefined;
  private readonly publisher: EventPublisher;
  private readonly clock: () => Date;

  constructor(dependencies: LinkDependencies) {
    const { stores } = dependencies;
    this.videos = stores.videos;
    this.accounts = stores.accounts;
    this.profiles = stores.profiles;
    this.jobs = stores.jobs;
    this.publisher = dependencies.publisher;
    this.publicBaseUrl = dependencies.publicBaseUrl;
    this.clock = dependencies.clock;
    this.creatorFunnels = dependencies.creatorFunnels;
  }

  now(): Date {
    return this.clock();
  }

  nowKey(): string {
    return instantKeyOfDate(this.clock());
  }

  async announce(changes: readonly LinkChanged[]): Promise<void> {
    if (changes.length === 0) return;
    await this.publisher.publish(
      changes.map((detail) => ({ origin: 'links', detailType: EVENTS.linkChanged.detailType, detail })),
    );
    count('LinksChanged', changes.length);
  }

  /** Publishes one of ReelHire's internal events (source reelhire.links). */
  async publishInternal(detailType: string, detail: unknown): Promise<void> {
    await this.publisher.publish([{ origin: 'links', detailType, detail }]);
  }

  /**
   * After an account write: when its portfolio link changed (or the write repeated an earlier one that may have
   * stopped before announcing), the account's videos are announced by the fan-out, page by page; when a YouTube
   * channel's linked state may have changed, the WebSub subscription manager is told.
   */
  async followUp(account: AccountRef, write: AccountWrite): Promise<void> {
    if (!write.applied) return;
    const before = write.before ? accountPortfolio(write.before) : null;
    const after = accountPortfolio(write.after);
    const events = [];
    if (write.repeated || !samePortfolio(before, after)) {
      events.push({
        origin: 'links' as const,
        detailType: EVENTS.linkFanoutRequested.detailType,
        detail: {
          platform: account.platform,
          accountId: account.accountId,
          page: 1,
          ...(before ? { previousProfileId: before.profileId } : {}),
        },
      });
    }
    if (account.platform === 'youtube' && (write.repeated || linked(write.before) !== linked(write.after))) {
      events.push({
        origin: 'links' as const,
        detailType: EVENTS.channelSubscriptionWanted.detailType,
        detail: { channelId: account.accountId },
      });
    }
    if (events.length > 0) await this.publisher.publish(events);
  }
}

const linked = (state: AccountState | undefined): boolean => state !== undefined && isLinked(state);

const samePortfolio = (a: PortfolioLink | null, b: PortfolioLink | null): boolean =>
  a === b || (a !== null && b !== null && a.profileId === b.profileId && a.url === b.url);
