import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '#shared/aws/dynamo.ts';
import { employerRateKey } from '#shared/item-keys.ts';
import {
  type EmployerRateLimiter,
  INTERVAL_MS,
  type RateDecision,
  refusedAt,
  TOLERANCE_MS,
} from './employer-rate.ts';

/** An idle employer's item may go: a TAT a minute behind counts as none (DynamoDB TTL, epoch seconds). */
const KEPT_SECONDS = 60;

/**
 * The GCRA state in one item per employer (`EMPLOYER#<id>/RATE`), moved by conditional updates only, with no
 * read first, so concurrent instances never lose a count and never retry: an idle employer's TAT restarts at
 * now (`tat <= now`); a busy one's moves one interval on while within the tolerance (`tat <= now + tolerance`).
 * DynamoDB TTL would delete it late and dynalite never: the conditions read the TAT, not the expiry.
 */
export class DynamoEmployerRate implements EmployerRateLimiter {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  async admit(employerId: string): Promise<RateDecision> {
    const nowMs = this.now().getTime();
    const expiresAt = Math.ceil(nowMs / 1000) + KEPT_SECONDS;
    const update = (expression: string, condition: string, values: Record<string, number>) =>
      unlessConditionFails(
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: employerRateKey(employerId),
            UpdateExpression: `${expression}, expiresAt = :expiresAt`,
            ConditionExpression: condition,
            ExpressionAttributeValues: { ...values, ':expiresAt': expiresAt },
          }),
        ),
      );
    const restarted = await update('SET tat = :next', 'attribute_not_exists(tat) OR tat <= :now', {
      ':next': nowMs + INTERVAL_MS,
      ':now': nowMs,
    });
    if (restarted) return { kind: 'admitted' };
    const moved = await update('SET tat = tat + :interval', 'tat <= :latest', {
      ':interval': INTERVAL_MS,
      ':latest': nowMs + TOLERANCE_MS,
    });
    if (moved) return { kind: 'admitted' };
    // Refused: read the TAT once, only to say when to come back.
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: employerRateKey(employerId), ConsistentRead: true }),
    );
    return refusedAt(typeof Item?.tat === 'number' ? Item.tat : nowMs, nowMs);
  }
}
