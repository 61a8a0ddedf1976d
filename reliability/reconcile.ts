import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountStore } from '#links/dynamo-accounts.ts';
import { DynamoJobStore } from '#links/dynamo-jobs.ts';
import { DynamoProfileStore } from '#links/dynamo-profiles.ts';
import { DynamoVideoStore } from '#links/dynamo-videos.ts';
import { instantKey } from '#shared/instant.ts';
import type { DeadLetterQueueContents } from '../local/stack/dead-letter-queues.ts';
import type { HistoryEvent } from './links-from-history.ts';
import type { Delivered } from './replay.ts';
import { inParallel } from './replay.ts';

/**
 * Where every delivered event ended up. An event is applied when the store shows its effect: the state each
 * kind of event leaves only ever moves forward (a higher version, a final deletion, closing or removal, a
 * later disconnection), so "this event's effect or something that supersedes it" is a check that needs no
 * log. Otherwise it must be in a dead-letter queue, with the reason it is there; anything else is lost.
 */

export interface DeadLetter {
  readonly queue: string;
  readonly reason: string | undefined;
  readonly errorType: string | undefined;
  /** The receive on which it was dead-lettered (1: at once, no retry). */
  readonly attempts: number | undefined;
}

export interface Reconciliation {
  readonly delivered: number;
  readonly applied: number;
  readonly deadLettered: number;
  /** Poison deliveries dead-lettered on their first receive, with an EventSchemaError reason. */
  readonly poisonDeadLetteredAtOnce: number;
  /** Dead-lettered without a reason attribute: a message nobody can act on. */
  readonly deadLetteredWithoutReason: number;
  /** Valid events that ended in a dead-letter queue (retries exhausted), with their reasons. */
  readonly validDeadLettered: readonly { eventId: string; reason: string | undefined }[];
  /** Poison that was not dead-lettered. */
  readonly poisonNotDeadLettered: readonly string[];
  /** Valid events neither applied nor dead-lettered. */
  readonly lost: readonly Delivered[];
}

/** Every message of every dead-letter queue, by the id of the event it carries. */
export const deadLettersById = (queues: readonly DeadLetterQueueContents[]): Map<string, DeadLetter> => {
  const byId = new Map<string, DeadLetter>();
  for (const queue of queues) {
    for (const message of queue.messages) {
      let id: unknown;
      try {
        id = (JSON.parse(message.body) as { id?: unknown }).id;
      } catch {
        continue;
      }
      if (typeof id !== 'string') continue;
      const attempts = message.messageAttributes.attempts?.StringValue;
      byId.set(id, {
        queue: queue.name,
        reason: message.messageAttributes.reason?.StringValue,
        errorType: message.messageAttributes.errorType?.StringValue,
        attempts: attempts === undefined ? undefined : Number(attempts),
      });
    }
  }
  return byId;
};

export class AppliedCheck {
  private readonly videos: DynamoVideoStore;
  private readonly accounts: DynamoAccountStore;
  private readonly profiles: DynamoProfileStore;
  private readonly jobs: DynamoJobStore;

  constructor(documents: DynamoDBDocumentClient, tableName: string) {
    this.videos = new DynamoVideoStore(documents, tableName);
    this.accounts = new DynamoAccountStore(documents, tableName);
    this.profiles = new DynamoProfileStore(documents, tableName);
    this.jobs = new DynamoJobStore(documents, tableName);
  }

  async isApplied(event: HistoryEvent): Promise<boolean> {
    switch (event.detailType) {
      case 'Video Posted': {
        const { video } = await this.videos.partition(event.detail.platform, event.detail.videoId);
        // A removal is final and refuses later posts: it supersedes this one.
        return (
          video?.removed === true || (video?.posted === true && video.accountId === event.detail.accountId)
        );
      }
      case 'Video Removed': {
        const { video } = await this.videos.partition(event.detail.platform, event.detail.videoId);
        return video?.removed === true;
      }
      case 'Account Disconnected': {
        const account = await this.accounts.read(event.detail.platform, event.detail.accountId);
        const stored = account?.disconnectedAtKey;
        return stored !== undefined && stored >= instantKey(event.detail.disconnectedAt);
      }
      case 'Profile Updated': {
        const record = (await this.profiles.read(event.detail.profileId))?.record;
        return record?.deleted === true || (record?.version ?? 0) >= event.detail.version;
      }
      case 'Profile Deleted':
        return (await this.profiles.read(event.detail.profileId))?.record.deleted === true;
      case 'Job Published': {
        const record = (await this.jobs.read(event.detail.jobId))?.record;
        return record?.closed === true || (record?.version ?? 0) >= event.detail.version;
      }
      case 'Job Closed':
        return (await this.jobs.read(event.detail.jobId))?.record.closed === true;
    }
  }
}

export const reconcile = async (
  delivered: readonly Delivered[],
  check: AppliedCheck,
  deadLetterQueues: readonly DeadLetterQueueContents[],
): Promise<Reconciliation> => {
  const deadLetters = deadLettersById(deadLetterQueues);
  let applied = 0;
  let deadLettered = 0;
  let poisonDeadLetteredAtOnce = 0;
  let deadLetteredWithoutReason = 0;
  const validDeadLettered: { eventId: string; reason: string | undefined }[] = [];
  const poisonNotDeadLettered: string[] = [];
  const lost: Delivered[] = [];
  await inParallel(delivered.length, 8, async (index) => {
    const entry = delivered[index]!;
    const deadLetter = deadLetters.get(entry.eventId);
    if (deadLetter) {
      deadLettered++;
      if (!deadLetter.reason) deadLetteredWithoutReason++;
      if (entry.delivery.kind === 'event') {
        validDeadLettered.push({ eventId: entry.eventId, reason: deadLetter.reason });
      } else if (deadLetter.attempts === 1 && deadLetter.errorType === 'EventSchemaError') {
        poisonDeadLetteredAtOnce++;
      }
      return;
    }
    if (entry.delivery.kind === 'poison') {
      poisonNotDeadLettered.push(entry.eventId);
      return;
    }
    if (await check.isApplied(entry.delivery.event)) applied++;
    else lost.push(entry);
  });
  return {
    delivered: delivered.length,
    applied,
    deadLettered,
    poisonDeadLetteredAtOnce,
    deadLetteredWithoutReason,
    validDeadLettered,
    poisonNotDeadLettered,
    lost,
  };
};
