/**
 * The single table's keys and indexes, defined once: the CDK stack builds the table from this, the test setup
 * creates the same table in dynalite, and the local runtime creates it from the synthesized template.
 * docs/data-model.md explains the items and access patterns.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * The table's one TTL attribute (epoch seconds): DynamoDB deletes an item up to ~48 h after this instant, the
 * local runtime sweeps it, and every reader checks it too, since the item can outlive it.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

export const INDEXES = {
  /** Videos by account: the fan-out of a portfolio change pages through an account's videos. */
  videosByAccount: { name: 'videosByAccount', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /**
   * Things due at an instant (a job's `closesAt`, a WebSub lease's renewal, an application's unpublished change
   * or its year without change), sparse.
   */
  dueAt: { name: 'dueAt', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** An employer's applications and its deliveries, each newest first (the pull inbox and the delivery log). */
  byEmployer: { name: 'byEmployer', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const;

export interface IndexDesign {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const ALL_INDEXES: readonly IndexDesign[] = Object.values(INDEXES);
