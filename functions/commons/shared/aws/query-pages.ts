import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursorError } from '../pagination.ts';
import type { Item } from './dynamo.ts';

/** How many items one page may read through its filters before answering with what it found. */
const MAX_EVALUATED = 1000;

export interface FilteredPage {
  readonly items: readonly Item[];
  /** The key to go on from (the last item returned, or the last one read), absent on the last page. */
  readonly next?: Readonly<Record<string, unknown>>;
}

/**
 * One page of `limit` items of a Query whose FilterExpression may drop items: DynamoDB applies Limit before the
 * filter, so this reads on until it has a page and one more (then there is a next page) or the list ends, or
 * until it has read MAX_EVALUATED items (then it answers what it found and where it stopped). A start key that
 * the table refuses is the caller's bad cursor.
 */
export const queryFilteredPage = async (
  documents: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  keyAttributes: readonly string[],
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<FilteredPage> => {
  const found: Item[] = [];
  let start = startKey;
  let evaluated = 0;
  do {
    const page = await queryFrom(documents, { ...input, Limit: limit + 1 }, start);
    evaluated += page.ScannedCount ?? 0;
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (found.length <= limit && start !== undefined && evaluated < MAX_EVALUATED);
  if (found.length > limit) {
    const items = found.slice(0, limit);
    const last = items.at(-1) ?? {};
    return { items, next: Object.fromEntries(keyAttributes.map((name) => [name, last[name]])) };
  }
  return start === undefined ? { items: found } : { items: found, next: start };
};

/** A Query from a start key; a start key the table refuses (ValidationException) is an InvalidCursorError. */
export const queryFrom = async (
  documents: DynamoDBDocumentClient,
  input: QueryCommandInput,
  startKey?: Record<string, unknown>,
) => {
  try {
    return await documents.send(
      new QueryCommand(startKey ? { ...input, ExclusiveStartKey: startKey } : input),
    );
  } catch (error) {
    if (startKey && error instanceof Error && error.name === 'ValidationException') {
      throw new InvalidCursorError('the cursor does not point into this list');
    }
    throw error;
  }
};
