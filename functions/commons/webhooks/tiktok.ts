import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { EventName } from '#events/catalog.ts';
import type { OutgoingEvent } from '#shared/event-publisher.ts';
import { isJsonObject } from '#shared/json.ts';
import { parseUntrustedJson } from './safe-json.ts';
import { anySignatureMatches, hexBytes, hmac, parseUnixSeconds, staleTimestamp } from './signatures.ts';
import {
  canonicalEvent,
  describeIssues,
  invalid,
  type SignatureCheck,
  signedDelivery,
  unauthorized,
} from './verdict.ts';

/**
 * TikTok webhooks (CONTRACT §4, FACTS "The platforms"): `TikTok-Signature: t=<unix s>,s=<hex>` is the
 * HMAC-SHA256 of `<t>.<raw body>` keyed with the app's client secret; the body is TikTok's envelope whose
 * `content` is itself a JSON string. TikTok sends no delivery id, so the raw body is the deduplication key.
 */

export const TIKTOK_SIGNATURE_HEADER = 'TikTok-Signature';

const SHA256_BYTES = 32;
/** The latest instant RFC 3339 can write with four year digits (9999-12-31T23:59:59Z). */
const MAX_UNIX_SECONDS = 253_402_300_799;

const unixSeconds = z.union([
  z.number().int().min(0).max(MAX_UNIX_SECONDS),
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .pipe(z.number().max(MAX_UNIX_SECONDS)),
]);

/** TikTok's webhook envelope, as TikTok sends it and this handler validates it. */
export const TikTokEnvelope = z.object({
  client_key: z.string(),
  event: z.string().min(1).max(128),
  create_time: unixSeconds,
  user_openid: z.string(),
  content: z
    .string()
    .describe('a JSON string: `{post_id, …}` for posts, `{reason}` for authorization.removed'),
});
type TikTokEnvelope = z.infer<typeof TikTokEnvelope>;

/** Post ids are 19-digit numbers: only a string (or a number JSON can carry exactly) names one correctly. */
const postId = z.union([z.string(), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);
const PostContent = z.object({ post_id: postId.transform(String) });
const AuthorizationContent = z.object({ reason: z.union([z.string(), z.number()]).transform(String) });

const rfc3339 = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

interface TikTokSignature {
  /** `t` as sent, and what it says. */
  readonly timestamp: { readonly text: string; readonly seconds: number };
  readonly signatures: readonly Buffer[];
}

/** `t=<unix s>,s=<hex>`; several `s=` entries are accepted, like Standard Webhooks' space-separated list. */
export const parseTikTokSignature = (value: string | undefined): TikTokSignature | undefined => {
  if (value === undefined) return undefined;
  let timestamp: TikTokSignature['timestamp'] | undefined;
  const signatures: Buffer[] = [];
  for (const part of value.split(',')) {
    const separator = part.indexOf('=');
    // Stryker disable next-line EqualityOperator: equivalent, a part starting with `=` has an empty name, neither t nor s
    if (separator < 0) continue;
    const name = part.slice(0, separator).trim();
    const content = part.slice(separator + 1).trim();
    if (name === 't') timestamp = parseUnixSeconds(content);
    if (name === 's') {
      const bytes = hexBytes(content, SHA256_BYTES);
      if (bytes) signatures.push(bytes);
    }
  }
  return timestamp === undefined ? undefined : { timestamp, signatures };
};

/** The hex signature TikTok would send for `body` at `timestamp` (used by tests and the CLI's `trigger`). */
export const signTikTok = (secret: string, timestamp: number | string, body: string | Buffer): string =>
  `t=${timestamp},s=${hmac('sha256', secret, `${timestamp}.`, body).toString('hex')}`;

const verify: SignatureCheck = (delivery, secrets, now) => {
  const header = delivery.header(TIKTOK_SIGNATURE_HEADER);
  if (header === undefined) return unauthorized(`missing ${TIKTOK_SIGNATURE_HEADER} header`);
  const signature = parseTikTokSignature(header);
  if (signature === undefined || signature.signatures.length === 0) {
    return unauthorized(`${TIKTOK_SIGNATURE_HEADER} is not t=<unix seconds>,s=<hex HMAC-SHA256>`);
  }
  const { text, seconds } = signature.timestamp;
  const expected = secrets.map((secret) => hmac('sha256', secret, `${text}.`, delivery.body));
  if (!anySignatureMatches(expected, signature.signatures)) {
    return unauthorized(`${TIKTOK_SIGNATURE_HEADER} does not match the body`);
  }
  const stale = staleTimestamp('timestamp', seconds, now);
  return stale === undefined ? undefined : unauthorized(stale);
};

/** The event a TikTok delivery maps to, or what is wrong with it. */
type Mapping = (envelope: TikTokEnvelope) => OutgoingEvent | string;

/** Reads `content` (a JSON string) with `schema`, then builds the canonical event `name`; or says what is wrong. */
const fromContent =
  <Schema extends z.ZodType>(
    schema: Schema,
    name: EventName,
    detailOf: (envelope: TikTokEnvelope, content: z.infer<Schema>, at: string) => object,
  ): Mapping =>
  (envelope) => {
    const content = parseUntrustedJson(envelope.content);
    if (!content.ok) return `content: ${content.reason}`;
    if (!isJsonObject(content.value)) return 'content: not a JSON object';
    const parsed = schema.safeParse(content.value);
    if (!parsed.success) return describeIssues(parsed.error.issues, 'content');
    const detail = detailOf(envelope, parsed.data, rfc3339(envelope.create_time));
    const mapped = canonicalEvent(name, 'tiktok', detail, 'detail');
    return 'event' in mapped ? mapped.event : mapped.problem;
  };

const videoRemoved = fromContent(PostContent, 'videoRemoved', (_, content, at) => ({
  platform: 'tiktok',
  videoId: content.post_id,
  reason: 'unavailable',
  removedAt: at,
}));

const MAPPINGS: Readonly<Record<string, Mapping>> = {
  'post.publish.publicly_available': fromContent(PostContent, 'videoPosted', (envelope, content, at) => ({
    platform: 'tiktok',
    videoId: content.post_id,
    accountId: envelope.user_openid,
    postedAt: at,
  })),
  // TikTok's own spelling, and the corrected one in case TikTok fixes it.
  'post.publish.no_longer_publicaly_available': videoRemoved,
  'post.publish.no_longer_publicly_available': videoRemoved,
  'authorization.removed': fromContent(
    AuthorizationContent,
    'accountDisconnected',
    (envelope, content, at) => ({
      platform: 'tiktok',
      accountId: envelope.user_openid,
      reason: content.reason,
      disconnectedAt: at,
    }),
  ),
};

/** Reads a TikTok delivery: signature and timestamp, then the envelope and its mapping. */
export const readTikTokDelivery = signedDelivery(verify, (delivery) => {
  const body = parseUntrustedJson(delivery.body.toString('utf8'));
  if (!body.ok) return invalid(`body: ${body.reason}`);
  const envelope = TikTokEnvelope.safeParse(body.value);
  if (!envelope.success) {
    return invalid(`not a TikTok webhook envelope: ${describeIssues(envelope.error.issues, 'body')}`);
  }
  const mapping = Object.hasOwn(MAPPINGS, envelope.data.event) ? MAPPINGS[envelope.data.event] : undefined;
  if (mapping === undefined) return { kind: 'ignored', eventType: envelope.data.event };
  const event = mapping(envelope.data);
  if (typeof event === 'string') return invalid(`${envelope.data.event}: ${event}`);
  return {
    kind: 'deliver',
    deliveryKey: createHash('sha256').update(delivery.body).digest('hex'),
    events: [event],
  };
});
