import { EVENTS, type LinkChanged, type LinkFanoutRequested } from '#events/catalog.ts';
import { isJsonObject } from '#shared/json.ts';
import type { LinkContext } from './link-context.ts';
import { accountPortfolio, ownerOf } from './links.ts';

/** Videos announced per invocation: bounded, so an account with 100,000 videos is 1,000 small invocations. */
export const FANOUT_PAGE_SIZE = 100;

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

const decodeCursor = (cursor: string): Record<string, string> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('fan-out cursor is not valid');
  }
  if (!isJsonObject(parsed) || !Object.values(parsed).every((value) => typeof value === 'string')) {
    throw new InvalidCursorError('fan-out cursor is not a key');
  }
  return parsed as Record<string, string>;
};

/**
 * One page of a fan-out: announces the account's current portfolio link on up to 100 of its live videos, then
 * asks for the next page. It reads the account's state now rather than trusting the request, so a late or
 * repeated page can only repeat the latest truth.
 */
export const announceAccountPage = async (
  context: LinkContext,
  request: LinkFanoutRequested,
): Promise<number> => {
  const account = await context.accounts.read(request.platform, request.accountId);
  const link = account ? accountPortfolio(account) : null;
  const pointedTo =
    link?.profileId ?? (account ? ownerOf(account)?.profileId : undefined) ?? request.previousProfileId;
  const page = await context.videos.pageByAccount(
    request.platform,
    request.accountId,
    FANOUT_PAGE_SIZE,
    request.cursor ? decodeCursor(request.cursor) : undefined,
  );
  const changes: LinkChanged[] = [];
  for (const video of page.videos) {
    if (!video.posted || video.removed) continue;
    const target = { platform: video.platform, videoId: video.videoId };
    if (link)
      changes.push({
        ...target,
        kind: 'portfolio',
        state: 'active',
        url: link.url,
        profileId: link.profileId,
      });
    else if (pointedTo)
      changes.push({ ...target, kind: 'portfolio', state: 'inactive', profileId: pointedTo });
  }
  await context.announce(changes);
  if (page.next) {
    const { cursor: _previous, ...rest } = request;
    await context.publishInternal(EVENTS.linkFanoutRequested.detailType, {
      ...rest,
      cursor: encodeCursor(page.next),
      page: (request.page ?? 1) + 1,
    });
  }
  return changes.length;
};
