import * as z from 'zod';
import { EVENTS, type EventName } from '#events/catalog.ts';
import { isJsonObject } from '#shared/json.ts';
import { parseUntrustedJson } from './safe-json.ts';
import { anySignatureMatches, base64Bytes, hmac, parseUnixSeconds, staleTimestamp } from './signatures.ts';
import { canonicalEvent, invalid, type SignatureCheck, signedDelivery, unauthorized } from './verdict.ts';

/**
 * Contra webhooks: Standard Webhooks (standardwebhooks.com). `webhook-signature` lists one or more
 * `v1,<base64>` HMAC-SHA256 signatures of `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the
 * bytes of the `whsec_<base64>` secret; `webhook-id` is the delivery's idempotency key. The body is
 * `{type, data}` with `data` the detail of the matching canonical event.
 */

const CONTRA_EVENT_TYPES: Readonly<Record<string, EventName>> = {
  'profile.updated': 'profileUpdated',
  'profile.deleted': 'profileDeleted',
  'job.published': 'jobPublished',
  'job.closed': 'jobClosed',
};

/**
 * The body of a Contra delivery ReelHire uses: `data` is the detail of the matching canonical event, read with
 * the catalog's schema (canonicalEvent). Any other `type` is answered 200 and ignored.
 */
export const ContraWebhookBody = z.union(
  Object.entries(CONTRA_EVENT_TYPES).map(([type, name]) =>
    z.object({ type: z.literal(type), data: EVENTS[name].schema }),
  ),
);

const SECRET_PREFIX = 'whsec_';
/** Ids are short tokens (`msg_…`); a bounded, printable id keeps the deduplication key a sane size. */
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in the reference libraries). */
export const standardWebhooksKey = (secret: string): Buffer => {
  const key = base64Bytes(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (key === undefined) throw new Error('CONTRA_WEBHOOK_SECRET is not whsec_<base64>');
  return key;
};

/** `v1,<base64>` for the given delivery (the CLI's `trigger` and the tests sign with this). */
export const signContra = (
  secret: string,
  webhookId: string,
  timestamp: number | string,
  body: string | Buffer,
): string =>
  `v1,${hmac('sha256', standardWebhooksKey(secret), `${webhookId}.${timestamp}.`, body).toString('base64')}`;

const signaturesOf = (header: string): Buffer[] =>
  header
    .split(' ')
    .map((entry) => {
      const [version, signature] = entry.split(',');
      return version === 'v1' && signature !== undefined ? base64Bytes(signature) : undefined;
    })
    .filter((signature): signature is Buffer => signature !== undefined);

const verify: SignatureCheck = (delivery, secrets, now) => {
  const webhookId = delivery.header('webhook-id');
  const timestampHeader = delivery.header('webhook-timestamp');
  const signatureHeader = delivery.header('webhook-signature');
  const missing = [
    ['webhook-id', webhookId],
    ['webhook-timestamp', timestampHeader],
    ['webhook-signature', signatureHeader],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) return unauthorized(`missing ${missing.join(', ')} header`);

  const timestamp = parseUnixSeconds(timestampHeader);
  if (timestamp === undefined) return unauthorized('webhook-timestamp is not unix seconds');
  const provided = signaturesOf(signatureHeader!);
  if (provided.length === 0) return unauthorized('webhook-signature has no v1,<base64> signature');
  const expected = secrets.map((secret) =>
    hmac('sha256', standardWebhooksKey(secret), `${webhookId}.${timestamp.text}.`, delivery.body),
  );
  if (!anySignatureMatches(expected, provided)) return unauthorized('webhook-signature does not match');
  const stale = staleTimestamp('webhook-timestamp', timestamp.seconds, now);
  return stale === undefined ? undefined : unauthorized(stale);
};

/** Reads a Contra delivery: Standard Webhooks verification, then `{type, data}` and its canonical event. */
export const readContraDelivery = signedDelivery(verify, (delivery) => {
  const webhookId = delivery.header('webhook-id')!;
  if (!WEBHOOK_ID.test(webhookId)) return invalid('webhook-id must be 1 to 256 printable ASCII characters');
  const body = parseUntrustedJson(delivery.body.toString('utf8'));
  if (!body.ok) return invalid(`body: ${body.reason}`);
  if (!isJsonObject(body.value)) return invalid('body: not a JSON object {type, data}');
  const { type, data } = body.value;
  if (typeof type !== 'string') return invalid('type: expected a string');
  const name = Object.hasOwn(CONTRA_EVENT_TYPES, type) ? CONTRA_EVENT_TYPES[type] : undefined;
  if (name === undefined) return { kind: 'ignored', eventType: type.slice(0, 128) };
  if (!isJsonObject(data)) return invalid('data: expected an object');
  const mapped = canonicalEvent(name, 'contra', data, 'data');
  if ('problem' in mapped) return invalid(mapped.problem);
  return { kind: 'deliver', deliveryKey: webhookId, events: [mapped.event] };
});
