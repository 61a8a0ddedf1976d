import { createHash } from 'node:crypto';
import type { OutgoingEvent } from '#shared/event-publisher.ts';
import { DELIVERY_RETENTION_SECONDS } from './delivery-ledger.ts';
import { anySignatureMatches, type HmacAlgorithm, hexBytes, hmac } from './signatures.ts';
import { canonicalEvent, invalid, type Verdict, type WebhookDelivery } from './verdict.ts';
import { childrenOf, parseUntrustedXml, textOf, type XmlNode } from './xml.ts';

/**
 * YouTube push notifications (WebSub, CONTRACT §4): an Atom feed signed with `X-Hub-Signature:
 * <algorithm>=<hex>`, the HMAC of the raw body keyed with the `hub.secret` ReelHire gave when subscribing.
 * `<entry>` is an upload or an edit (→ Video Posted), `<at:deleted-entry>` a deletion (→ Video Removed).
 * There is no delivery id and no timestamp header: the raw body is the deduplication key, remembered 96 h.
 *
 * A signed body replayed after those 96 h would be new again, so an `<entry>` whose `<updated>` (else
 * `<published>`) is older than the window is dropped as a replay: it could only set back a caption or a url.
 * A `<at:deleted-entry>` is always taken, whatever its `when`: a removal is final, so a replay changes nothing,
 * while dropping a genuine late one would leave a removed video with its links.
 */

export const YOUTUBE_SIGNATURE_HEADER = 'X-Hub-Signature';

/** WebSub allows these; Google's hub sends sha1. */
const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};
const isHmacAlgorithm = (name: string): name is HmacAlgorithm => Object.hasOwn(DIGEST_BYTES, name);

const VIDEO_REF_PREFIX = 'yt:video:';
const YOUTUBE_HOSTS = new Set(['www.youtube.com', 'youtube.com', 'm.youtube.com', 'youtu.be']);

export const signYouTube = (
  secret: string,
  body: string | Buffer,
  algorithm: HmacAlgorithm = 'sha1',
): string => `${algorithm}=${hmac(algorithm, secret, body).toString('hex')}`;

/** Why the signature does not verify, or undefined when it does. */
const signatureProblem = (delivery: WebhookDelivery, secrets: readonly string[]): string | undefined => {
  const header = delivery.header(YOUTUBE_SIGNATURE_HEADER);
  if (header === undefined) return `missing ${YOUTUBE_SIGNATURE_HEADER} header`;
  const separator = header.indexOf('=');
  const algorithm = header.slice(0, separator).trim().toLowerCase();
  if (separator < 0 || !isHmacAlgorithm(algorithm)) {
    return `${YOUTUBE_SIGNATURE_HEADER} is not sha1=, sha256=, sha384= or sha512=<hex>`;
  }
  const provided = hexBytes(header.slice(separator + 1).trim(), DIGEST_BYTES[algorithm]);
  if (provided === undefined) return `${YOUTUBE_SIGNATURE_HEADER} is not a ${algorithm} hex digest`;
  const expected = secrets.map((secret) => hmac(algorithm, secret, delivery.body));
  return anySignatureMatches(expected, [provided]) ? undefined : `${YOUTUBE_SIGNATURE_HEADER} does not match`;
};

/**
 * The watch url as https. Google's feed writes `http://www.youtube.com/watch?v=…`; the canonical event's url
 * is https, and YouTube serves the same page there. A link anywhere else is left out (`url` is optional).
 */
const watchUrl = (href: string | undefined): string | undefined => {
  if (href === undefined || !URL.canParse(href)) return undefined;
  const url = new URL(href);
  if (url.protocol === 'http:' && YOUTUBE_HOSTS.has(url.hostname)) url.protocol = 'https:';
  return url.protocol === 'https:' ? url.toString() : undefined;
};

const alternateHref = (entry: XmlNode): string | undefined =>
  childrenOf(entry, 'link')
    .map((link) => ({ rel: textOf(link, '@rel') ?? 'alternate', href: textOf(link, '@href') }))
    .find((link) => link.rel === 'alternate')?.href;

const posted = (entry: XmlNode, index: number): OutgoingEvent | string => {
  const detail = {
    platform: 'youtube',
    videoId: textOf(entry, 'videoId'),
    accountId: textOf(entry, 'channelId'),
    postedAt: textOf(entry, 'published'),
    url: watchUrl(alternateHref(entry)),
    caption: textOf(entry, 'title'),
  };
  const mapped = canonicalEvent('videoPosted', 'youtube', detail, `feed.entry[${index}]`);
  return 'event' in mapped ? mapped.event : mapped.problem;
};

/** True when the entry was sent longer ago than deliveries are remembered: a replay, never a new upload or edit. */
const isReplay = (entry: XmlNode, now: Date): boolean => {
  const sent = [textOf(entry, 'updated'), textOf(entry, 'published')]
    .map((text) => Date.parse(text ?? ''))
    .find(Number.isFinite);
  return sent !== undefined && sent < now.getTime() - DELIVERY_RETENTION_SECONDS * 1000;
};

const removed = (tombstone: XmlNode, index: number): OutgoingEvent | string => {
  const ref = textOf(tombstone, '@ref');
  if (ref === undefined || !ref.startsWith(VIDEO_REF_PREFIX)) {
    return `feed.deleted-entry[${index}].ref: not ${VIDEO_REF_PREFIX}<video id>`;
  }
  const detail = {
    platform: 'youtube',
    videoId: ref.slice(VIDEO_REF_PREFIX.length),
    // A tombstone does not say whether the creator or moderation removed the video.
    reason: 'unknown',
    removedAt: textOf(tombstone, '@when'),
  };
  const mapped = canonicalEvent('videoRemoved', 'youtube', detail, `feed.deleted-entry[${index}]`);
  return 'event' in mapped ? mapped.event : mapped.problem;
};

/** Reads a WebSub notification: signature (a failure drops it quietly), then the Atom feed. */
export const readYouTubeNotification = (
  delivery: WebhookDelivery,
  secrets: readonly string[],
  now: Date,
): Verdict => {
  const problem = signatureProblem(delivery, secrets);
  if (problem !== undefined) return { kind: 'unverified', detail: problem };

  const parsed = parseUntrustedXml(delivery.body.toString('utf8'), ['entry', 'deleted-entry', 'link']);
  if (!parsed.ok) return invalid(`body: ${parsed.reason}`);
  const [feed, ...others] = childrenOf(parsed.document, 'feed');
  // An empty <feed/> parses as '' (no children); text inside a feed is not Atom.
  if (feed === undefined || others.length > 0 || (typeof feed === 'string' && feed.trim() !== '')) {
    return invalid('body: not an Atom <feed>');
  }
  if (typeof feed === 'string') return { kind: 'ignored', eventType: 'feed without entries' };
  const entries = childrenOf(feed, 'entry');
  const mapped = [
    ...entries.map((entry, index) => (isReplay(entry, now) ? undefined : posted(entry, index))),
    ...childrenOf(feed, 'deleted-entry').map(removed),
  ].filter((result) => result !== undefined);
  const problems = mapped.filter((result): result is string => typeof result === 'string');
  if (problems.length > 0) return invalid(problems.slice(0, 5).join('; '));
  if (mapped.length === 0) {
    const eventType =
      entries.length > 0 ? 'entries older than the dedupe window (replays)' : 'feed without entries';
    return { kind: 'ignored', eventType };
  }
  return {
    kind: 'deliver',
    deliveryKey: createHash('sha256').update(delivery.body).digest('hex'),
    events: mapped.filter((result): result is OutgoingEvent => typeof result !== 'string'),
  };
};
