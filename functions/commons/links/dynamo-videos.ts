import { QueryCommand, type QueryCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VideoPosted, VideoRemoved } from '#events/catalog.ts';
import type { Platform, VideoRef } from '#events/fields.ts';
import { DynamoTable, equalities, type Item, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { APPLY_CANDIDATE_PREFIX, accountIndexKey, applyCandidateKey, videoKey } from '#shared/item-keys.ts';
import { INDEXES, TTL_ATTRIBUTE } from '#shared/table-design.ts';
import type {
  CandidateWriteResult,
  PageCursor,
  PostWrite,
  StoredVideo,
  VideoPartition,
  VideoStore,
} from './link-stores.ts';
import type { ApplyCandidate } from './links.ts';

/**
 * On the video item: some job has put a candidate entry in the video's partition (set by the job's writer after
 * the entry, before it reads the partition), so a Video Posted whose write does not see it has no entry to read.
 */
const CANDIDATES_NOTED = 'cands';

/** What a removed video no longer needs: everything but its keys and the removal. */
const TOMBSTONE_DROPS = [
  'gsi1pk',
  'gsi1sk',
  'posted',
  'postedAt',
  'accountId',
  'url',
  'caption',
  CANDIDATES_NOTED,
] as const;

/** An item whose TTL has passed: DynamoDB may not have deleted it yet, so readers skip it. */
const expired = (item: Item, nowSeconds: number): boolean =>
  typeof item[TTL_ATTRIBUTE] === 'number' && item[TTL_ATTRIBUTE] < nowSeconds;

/** The sort key the video item itself has in its partition. */
const VIDEO_SK = videoKey('tiktok', '').sk;

const candidateOf = (item: Item): ApplyCandidate => ({
  jobId: String(item.jobId),
  version: Number(item.v),
  listed: item.listed === true,
  closed: item.closed === true,
  publishedAtKey: String(item.pub ?? ''),
  ...(typeof item.closes === 'string' ? { closesAtKey: item.closes } : {}),
});

const videoOf = (item: Item): StoredVideo => ({
  platform: item.platform as Platform,
  videoId: String(item.videoId),
  posted: item.posted === true,
  removed: item.removed === true,
  ...(typeof item.accountId === 'string' ? { accountId: item.accountId } : {}),
  ...(typeof item.url === 'string' ? { url: item.url } : {}),
  ...(typeof item.caption === 'string' ? { caption: item.caption } : {}),
});

/** Video items and apply candidates. Every write is conditional or idempotent. */
export class DynamoVideoStore extends DynamoTable implements VideoStore {
  async read(platform: Platform, videoId: string): Promise<StoredVideo | undefined> {
    const item = await this.readCoalesced(videoKey(platform, videoId));
    return item && !expired(item, Math.floor(Date.now() / 1000)) ? videoOf(item) : undefined;
  }

  async partition(platform: Platform, videoId: string): Promise<VideoPartition> {
    const { pk } = videoKey(platform, videoId);
    let video: StoredVideo | undefined;
    const candidates: ApplyCandidate[] = [];
    const nowSeconds = Math.floor(Date.now() / 1000);
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (expired(item, nowSeconds)) continue;
        if (item.sk === VIDEO_SK) video = videoOf(item);
        else if (String(item.sk).startsWith(APPLY_CANDIDATE_PREFIX)) candidates.push(candidateOf(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { video, candidates };
  }

  /**
   * Records a post: the account is set once and never changes, url and caption are refreshed. A removed video
   * stays removed, so the write is refused when a removal is already recorded. Says whether this write is the
   * one that made the video posted ('posted') or it already was ('refreshed'), and whether a job's candidate was
   * noted on the video by then: the item as it was, from the write itself.
   */
  async markPosted(posted: Omit<VideoPosted, 'durationSeconds'>): Promise<PostWrite> {
    const refreshed = equalities({ url: posted.url, caption: posted.caption });
    const sets = [
      'platform = :platform',
      'videoId = :videoId',
      'accountId = if_not_exists(accountId, :accountId)',
      'gsi1pk = if_not_exists(gsi1pk, :gsi1pk)',
      'gsi1sk = if_not_exists(gsi1sk, :videoId)',
      'posted = :true',
      'postedAt = if_not_exists(postedAt, :postedAt)',
      ...refreshed.terms,
    ];
    const values: Item = {
      ':platform': posted.platform,
      ':videoId': posted.videoId,
      ':accountId': posted.accountId,
      ':gsi1pk': accountIndexKey(posted.platform, posted.accountId),
      ':true': true,
      ':postedAt': posted.postedAt,
      ...refreshed.values,
    };
    const written = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: videoKey(posted.platform, posted.videoId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(removed)',
          ExpressionAttributeValues: values,
          ...(refreshed.terms.length > 0 ? { ExpressionAttributeNames: refreshed.names } : {}),
          // The item as it was: `posted` unless this write posted the video, and the candidates' note.
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (written === undefined) return { outcome: 'removed', candidatesNoted: true };
    return {
      outcome: written.Attributes?.posted === true ? 'refreshed' : 'posted',
      candidatesNoted: written.Attributes?.[CANDIDATES_NOTED] === true,
    };
  }

  /**
   * Idempotent; on a video not yet posted the item holds its keys and the note until the post. Not on a removed
   * video: its tombstone stays minimal, and no candidate of it is ever read.
   */
  async noteCandidates(video: VideoRef): Promise<void> {
    await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: videoKey(video.platform, video.videoId),
          UpdateExpression: 'SET platform = :platform, videoId = :videoId, #noted = :true',
          ConditionExpression: 'attribute_not_exists(removed)',
          ExpressionAttributeNames: { '#noted': CANDIDATES_NOTED },
          ExpressionAttributeValues: {
            ':platform': video.platform,
            ':videoId': video.videoId,
            ':true': true,
          },
        }),
      ),
    );
  }

  /**
   * Records a removal, final, once it has been announced: the item shrinks to a tombstone (keys, `removed`,
   * when and why), which is all the rule needs to keep the video removed (a later Video Posted is refused on
   * `removed`); it leaves its account's index so fan-outs skip it. Its candidates then expire: a removed video
   * has no links whatever a job says. A candidate written after this (a job racing the removal) stays, unused.
   */
  async markRemoved(removed: VideoRemoved, candidates: readonly ApplyCandidate[]): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: videoKey(removed.platform, removed.videoId),
        UpdateExpression:
          'SET platform = :platform, videoId = :videoId, removed = :true, removedAt = if_not_exists(removedAt, :at), ' +
          'removalReason = if_not_exists(removalReason, :reason) ' +
          `REMOVE ${TOMBSTONE_DROPS.map((_, index) => `#drop${index}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(
          TOMBSTONE_DROPS.map((attribute, index) => [`#drop${index}`, attribute]),
        ),
        ExpressionAttributeValues: {
          ':platform': removed.platform,
          ':videoId': removed.videoId,
          ':true': true,
          ':at': removed.removedAt,
          ':reason': removed.reason,
        },
      }),
    );
    // After the tombstone, never before: an expired candidate on a video still live would hide its apply link.
    // A crash in between leaves the candidates unexpired (the redelivery stops at the tombstone): storage only.
    const expiresAt = Math.floor(Date.now() / 1000);
    for (const candidate of candidates) {
      // Only an entry still there: never a new item made of nothing but the TTL attribute.
      await unlessConditionFails(
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: applyCandidateKey(removed.platform, removed.videoId, candidate.jobId),
            UpdateExpression: 'SET #ttl = :expiresAt',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':expiresAt': expiresAt },
          }),
        ),
      );
    }
  }

  /**
   * Writes a job's candidate entry on a video unless the entry already reflects a newer version (or the
   * job's closing, which is final). An equal version is written again, idempotently, so that a retry can tell
   * it may have to finish its work. Returns the entry as it was before, or that the stored one was newer.
   */
  async writeCandidate(video: VideoRef, candidate: ApplyCandidate): Promise<CandidateWriteResult> {
    const values: Item = {
      ':jobId': candidate.jobId,
      ':v': candidate.version,
      ':listed': candidate.listed,
      ':closed': candidate.closed,
      ':pub': candidate.publishedAtKey,
    };
    let update = 'SET jobId = :jobId, v = :v, listed = :listed, closed = :closed, pub = :pub';
    if (candidate.closesAtKey !== undefined) {
      update += ', closes = :closes';
      values[':closes'] = candidate.closesAtKey;
    } else {
      update += ' REMOVE closes';
    }
    const written = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: applyCandidateKey(video.platform, video.videoId, candidate.jobId),
          UpdateExpression: update,
          ConditionExpression: 'attribute_not_exists(v) OR v <= :v',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (written === undefined) return { applied: false };
    const previous = written.Attributes;
    return { applied: true, ...(previous?.v !== undefined ? { previous: candidateOf(previous) } : {}) };
  }

  /** One page (≤ limit) of an account's videos, from the videosByAccount index. */
  async pageByAccount(
    platform: Platform,
    accountId: string,
    limit: number,
    cursor?: PageCursor,
  ): Promise<{ videos: StoredVideo[]; next?: PageCursor }> {
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEXES.videosByAccount.name,
        KeyConditionExpression: 'gsi1pk = :account',
        ExpressionAttributeValues: { ':account': accountIndexKey(platform, accountId) },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      videos: (page.Items ?? []).map(videoOf),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }
}
