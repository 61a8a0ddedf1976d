import type { JobPublished, ProfileUpdated, VideoPosted, VideoRemoved } from '#events/catalog.ts';
import type { AccountRef, Platform, VideoRef } from '#events/fields.ts';
import type { JobRecord, ProfileRecord } from '#shared/entities.ts';
import type { AccountClaim, AccountState, ApplyCandidate, VideoState } from './links.ts';

/**
 * The stores the link use cases work through (ports). The DynamoDB adapters (dynamo-*.ts) implement them on
 * the single table; every write is conditional or idempotent, and each says what it did so that the use case
 * can decide what to announce.
 */

/** A profile or job item: its latest accepted version, and every ref any version of it ever listed. */
export interface StoredVersioned<Entity, Ref> {
  readonly record: Entity;
  readonly everListed: Ref[];
}

export type StoredProfile = StoredVersioned<ProfileRecord, AccountRef>;
export type StoredJob = StoredVersioned<JobRecord, VideoRef>;

export interface StoredVideo extends VideoState {
  readonly platform: Platform;
  readonly videoId: string;
  readonly accountId?: string;
  readonly url?: string;
  readonly caption?: string;
}

/** A video's partition: the video item (absent until the first event) and its jobs' apply candidates. */
export interface VideoPartition {
  readonly video: StoredVideo | undefined;
  readonly candidates: ApplyCandidate[];
}

/**
 * What markPosted did: made the video posted, refreshed an already posted one, or found it removed; and whether
 * some job had put a candidate entry on the video by then (the video item says so, atomically with the write).
 */
export interface PostWrite {
  readonly outcome: 'posted' | 'refreshed' | 'removed';
  readonly candidatesNoted: boolean;
}

/** What writeCandidate did: written (over `previous`, if any), or refused because the stored entry is newer. */
export type CandidateWriteResult =
  | { readonly applied: true; readonly previous?: ApplyCandidate }
  | { readonly applied: false };

/** What a conditional account write did: the state before and after, and whether it was already applied. */
export interface AccountWrite {
  readonly before: AccountState | undefined;
  readonly after: AccountState;
  /** False when the stored state was newer, so nothing was written. */
  readonly applied: boolean;
  /** True when the stored state already equalled what was written (a redelivery or a retry). */
  readonly repeated: boolean;
}

/** An opaque position in a paged read, as the store returned it. */
export type PageCursor = Record<string, unknown>;

export interface VideoStore {
  /** One round trip: the video item and every job's candidate entry (strongly consistent). */
  partition(platform: Platform, videoId: string): Promise<VideoPartition>;
  /** The video item alone (strongly consistent), read together with the other reads of the same moment. */
  read(platform: Platform, videoId: string): Promise<StoredVideo | undefined>;
  /** The account is set once and never changes; url and caption are refreshed; a removed video stays removed. */
  markPosted(posted: Omit<VideoPosted, 'durationSeconds'>): Promise<PostWrite>;
  /**
   * Final: the video shrinks to a tombstone that keeps it removed and leaves its account's pages, and the
   * candidates it had (which no link of a removed video uses) expire.
   */
  markRemoved(removed: VideoRemoved, candidates: readonly ApplyCandidate[]): Promise<void>;
  /** Unless the entry already reflects a newer version (or the job's closing); an equal version is rewritten. */
  writeCandidate(video: VideoRef, candidate: ApplyCandidate): Promise<CandidateWriteResult>;
  /**
   * Notes on the video item that a job has a candidate entry on it, after writing the entry and before reading
   * the partition: a Video Posted then queries the candidates only when its write sees the note.
   */
  noteCandidates(video: VideoRef): Promise<void>;
  /** One page (≤ limit) of an account's videos. */
  pageByAccount(
    platform: Platform,
    accountId: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<{ videos: StoredVideo[]; next?: PageCursor }>;
}

export interface AccountStore {
  read(platform: Platform, accountId: string): Promise<AccountState | undefined>;
  /** True iff some live profile's latest version lists the account. */
  isLinked(platform: Platform, accountId: string): Promise<boolean>;
  /** Unless the account has seen a newer version of that profile (or its deletion); an equal one is rewritten. */
  writeClaim(platform: Platform, accountId: string, claim: AccountClaim): Promise<AccountWrite>;
  /** The latest `disconnectedAt` counts. */
  recordDisconnection(
    platform: Platform,
    accountId: string,
    disconnectedAtKey: string,
  ): Promise<AccountWrite>;
}

/** Compare-and-set on the version read: false when another writer got there first. */
export interface ProfileStore {
  read(profileId: string): Promise<StoredProfile | undefined>;
  replaceIfUnchanged(
    profile: ProfileUpdated,
    expected: StoredProfile | undefined,
    everListed: readonly AccountRef[],
  ): Promise<boolean>;
  addEverListed(profileId: string, accounts: readonly AccountRef[]): Promise<void>;
  /** Marks the profile deleted, for good, and returns every account any version listed. */
  markDeleted(profileId: string, version: number, deletedAt: string): Promise<AccountRef[]>;
}

export interface JobStore {
  read(jobId: string): Promise<StoredJob | undefined>;
  /** As for profiles; a job whose `closesAt` is still ahead (at `nowKey`) is kept for its expiry. */
  replaceIfUnchanged(
    job: JobPublished,
    expected: StoredJob | undefined,
    everListed: readonly VideoRef[],
    nowKey: string,
  ): Promise<boolean>;
  addEverListed(jobId: string, videos: readonly VideoRef[]): Promise<void>;
  /** Marks the job closed, for good, and returns every video any version listed. */
  markClosed(jobId: string, version: number, closedAt: string): Promise<VideoRef[]>;
  /** Jobs whose `closesAt` is at or before `nowKey` and not yet announced, oldest first. */
  dueForExpiry(nowKey: string, limit: number): Promise<{ jobId: string; dueKey: string }[]>;
  /** Takes an announced expiry out, unless a newer version has moved it meanwhile. */
  clearExpiry(jobId: string, dueKey: string): Promise<void>;
}

export interface LinkStores {
  readonly videos: VideoStore;
  readonly accounts: AccountStore;
  readonly profiles: ProfileStore;
  readonly jobs: JobStore;
}
