import * as z from 'zod';
import { id } from '#events/fields.ts';
import { decodeCursor, encodeCursor } from '#shared/pagination.ts';
import type { ListPosition } from './application-store.ts';

/** An application list's cursor: the index sort key (`<submittedAt instant key>#<applicationId>`) and the item's key. */
const Position = z.strictObject({
  s: z.string().regex(/^\d{22}#.{1,128}$/s),
  j: id,
  p: id,
});

export const cursorOf = (position: ListPosition | undefined): string | undefined =>
  position === undefined
    ? undefined
    : encodeCursor({ s: position.sortKey, j: position.jobId, p: position.profileId });

/** The position of a cursor this list gave; throws InvalidCursorError for anything else. */
export const positionOf = (cursor: string | undefined): ListPosition | undefined => {
  if (cursor === undefined) return undefined;
  const { s, j, p } = decodeCursor(cursor, Position);
  return { sortKey: s, jobId: j, profileId: p };
};
