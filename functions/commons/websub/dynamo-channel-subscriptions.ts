import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, type Item, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { instantKeyOfDate } from '#shared/instant.ts';
import { channelKey } from '#shared/item-keys.ts';
import { INDEXES } from '#shared/table-design.ts';
import type { ChannelSubscriptionStore, DuePage, RecordedRequest } from './channel-subscription-store.ts';
import type { ChannelSubscription, Lease, PendingRequest, SubscriptionPlan } from './subscription.ts';
import { topicOfChannel } from './topics.ts';

/**
 * Channel subscription items in the single table (key `channelKey`). A channel the renewal schedule must
 * look at carries the sparse `dueAt` index keys: partition `WEBSUB_RENEWAL`, sort key the instant key of
 * `reviewAt` then `#<channelId>`, so one Query pages through the channels due, oldest first.
 */

export const RENEWAL_PARTITION = 'WEBSUB_RENEWAL';
const DUE_INDEX = INDEXES.dueAt;

const subscriptionOf = (item: Item): ChannelSubscription => ({
  channelId: item.channelId as string,
  topic: item.topic as string,
  desired: item.desired === 'subscribed' ? 'subscribed' : 'unsubscribed',
  ...(typeof item.callbackToken === 'string' ? { callbackToken: item.callbackToken } : {}),
  ...(item.pending ? { pending: item.pending as PendingRequest } : {}),
  ...(item.lease ? { lease: item.lease as Lease } : {}),
  ...(typeof item.reviewAt === 'string' ? { reviewAt: item.reviewAt } : {}),
  failures: typeof item.failures === 'number' ? item.failures : 0,
  ...(typeof item.lastFailure === 'string' ? { lastFailure: item.lastFailure } : {}),
  revision: typeof item.revision === 'number' ? item.revision : 0,
});

const dueSortKey = (reviewAt: Date, channelId: string): string =>
  `${instantKeyOfDate(reviewAt)}#${channelId}`;

export class DynamoChannelSubscriptions extends DynamoTable implements ChannelSubscriptionStore {
  async read(channelId: string): Promise<ChannelSubscription | undefined> {
    const item = await this.getItem(channelKey(channelId));
    return item ? subscriptionOf(item) : undefined;
  }

  async apply(
    channelId: string,
    current: ChannelSubscription | undefined,
    plan: Exclude<SubscriptionPlan, { action: 'none' }>,
    request?: RecordedRequest,
  ): Promise<boolean> {
    const set = ['channelId = :channelId', 'topic = :topic', 'desired = :desired', 'revision = :next'];
    const remove: string[] = [];
    const values: Item = {
      ':channelId': channelId,
      ':topic': topicOfChannel(channelId),
      ':next': (current?.revision ?? 0) + 1,
    };
    const reviewAt =
      plan.action === 'keep' || (plan.action === 'request' && plan.mode === 'subscribe')
        ? plan.reviewAt
        : undefined;
    values[':desired'] = plan.action === 'keep' || reviewAt !== undefined ? 'subscribed' : 'unsubscribed';
    if (reviewAt) {
      set.push('reviewAt = :reviewAt', 'gsi2pk = :duePartition', 'gsi2sk = :dueKey');
      values[':reviewAt'] = reviewAt.toISOString();
      values[':duePartition'] = RENEWAL_PARTITION;
      values[':dueKey'] = dueSortKey(reviewAt, channelId);
    } else {
      remove.push('reviewAt', 'gsi2pk', 'gsi2sk');
    }
    if (plan.action === 'request') {
      if (!request) throw new Error('a request plan needs its pending request');
      set.push('pending = :pending', 'callbackToken = :callbackToken');
      values[':pending'] = request.pending;
      values[':callbackToken'] = request.callbackToken;
    }
    if (current === undefined) {
      set.push('failures = :zero');
      values[':zero'] = 0;
    } else {
      values[':revision'] = current.revision;
    }
    const applied = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: channelKey(channelId),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: current === undefined ? 'attribute_not_exists(pk)' : 'revision = :revision',
          ExpressionAttributeValues: values,
        }),
      ),
    );
    return applied !== undefined;
  }

  async recordFailure(channelId: string, reason: string, now: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: channelKey(channelId),
        UpdateExpression: 'ADD failures :one SET lastFailure = :reason, lastFailureAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':reason': reason.slice(0, 1024), ':now': now.toISOString() },
      }),
    );
  }

  async confirm(
    channelId: string,
    pending: PendingRequest,
    lease: Lease | undefined,
    reviewAt?: Date,
  ): Promise<boolean> {
    const values: Item = { ':requestId': pending.requestId, ':mode': pending.mode, ':one': 1, ':zero': 0 };
    const set = ['revision = revision + :one', 'failures = :zero'];
    const remove = ['pending', 'lastFailure', 'lastFailureAt'];
    if (lease && reviewAt) {
      set.push('lease = :lease', 'reviewAt = :reviewAt', 'gsi2pk = :duePartition', 'gsi2sk = :dueKey');
      values[':lease'] = lease;
      values[':reviewAt'] = reviewAt.toISOString();
      values[':duePartition'] = RENEWAL_PARTITION;
      values[':dueKey'] = dueSortKey(reviewAt, channelId);
    } else {
      remove.push('lease', 'reviewAt', 'gsi2pk', 'gsi2sk');
    }
    return this.conditionalUpdate(channelId, `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`, values);
  }

  async deny(channelId: string, pending: PendingRequest, reason: string, now: Date): Promise<boolean> {
    return this.conditionalUpdate(
      channelId,
      'SET revision = revision + :one, lastFailure = :reason, lastFailureAt = :now ADD failures :one REMOVE pending',
      {
        ':requestId': pending.requestId,
        ':mode': pending.mode,
        ':one': 1,
        ':reason': `denied by the hub: ${reason}`.slice(0, 1024),
        ':now': now.toISOString(),
      },
    );
  }

  async due(now: Date, limit: number, cursor?: Record<string, unknown>): Promise<DuePage> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX.name,
        KeyConditionExpression: '#partition = :partition AND #sort < :bound',
        ExpressionAttributeNames: { '#partition': DUE_INDEX.partitionKey, '#sort': DUE_INDEX.sortKey },
        // '$' sorts right after '#': every channel reviewed at or before `now`, whatever its id.
        ExpressionAttributeValues: { ':partition': RENEWAL_PARTITION, ':bound': `${instantKeyOfDate(now)}$` },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    return {
      channelIds: Items.map((item) => item.channelId as string),
      ...(LastEvaluatedKey ? { cursor: LastEvaluatedKey } : {}),
    };
  }

  /** An update that applies only while `pending` is still the request with this id and mode. */
  private async conditionalUpdate(channelId: string, expression: string, values: Item): Promise<boolean> {
    const updated = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: channelKey(channelId),
          UpdateExpression: expression,
          ConditionExpression: 'pending.requestId = :requestId AND pending.#mode = :mode',
          ExpressionAttributeNames: { '#mode': 'mode' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
    return updated !== undefined;
  }
}
