import * as z from 'zod';

/** Building blocks shared by every event schema (CONTRACT §2). */

export const PLATFORMS = ['tiktok', 'youtube'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A UTF-16 code unit of a surrogate pair standing alone (with the u flag, a whole pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Every `…Id` is a non-empty string of at most 128 characters, and well-formed Unicode: UTF-8 encodes every lone
 * surrogate as U+FFFD, so two ids differing only there would name one item once stored or sent on.
 */
export const id = z
  .string()
  .min(1)
  .max(128)
  .refine((value) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode (no lone surrogate)');

/** Versions order the events of one profile or job; the highest wins. */
export const version = z.number().int().min(1);

export const platform = z.enum(PLATFORMS);

/** RFC 3339 with `Z` or an offset, any fractional precision; compared as instants (see functions/commons/shared/instant.ts). */
export const timestamp = z.iso.datetime({ offset: true });

const MAX_URL_LENGTH = 2048;

export const httpsUrl = z.url({ protocol: /^https$/ }).max(MAX_URL_LENGTH);

/**
 * A creator's portfolio (CONTRACT §4): any url the WHATWG URL standard parses with scheme `https:`, kept and
 * served as its normalized href (percent-encoded, the host in punycode), which is what a `Location` header can
 * carry: served as given, a non-ASCII url made the redirect fail.
 */
export const portfolioUrl = z.url({ protocol: /^https$/, normalize: true }).max(MAX_URL_LENGTH);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * An employer endpoint: https, or plain http on loopback (local development only; the notifier refuses it
 * outside local mode, and the SSRF guard checks the resolved address at send time in every mode).
 */
export const notifyUrl = z
  .url({ protocol: /^https?$/ })
  .max(MAX_URL_LENGTH)
  .refine((value) => {
    // zod runs refinements even after the url check failed: an unparsable value must not throw here.
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
  }, 'must be https (plain http only on 127.0.0.1 or localhost)');

export const videoRef = z.object({ platform, videoId: id });
export type VideoRef = z.infer<typeof videoRef>;

export const accountRef = z.object({ platform, accountId: id });
export type AccountRef = z.infer<typeof accountRef>;

/** Free text shown to people (titles, names, captions): bounded so an item stays small. */
export const text = (max: number) => z.string().max(max);

/**
 * An application's status (CONTRACT §6): `submitted` on creation, then the employer's, the applicant's
 * `withdrawn` or ReelHire's `closed`. Which are final and who may set which is applications/application.ts.
 */
export const APPLICATION_STATUSES = [
  'submitted',
  'reviewing',
  'interviewing',
  'offered',
  'hired',
  'rejected',
  'withdrawn',
  'closed',
] as const;
export const applicationStatus = z.enum(APPLICATION_STATUSES);
export type ApplicationStatus = z.infer<typeof applicationStatus>;

/** An employer's note on a status change, kept in the history and carried by the event. */
export const statusNote = text(1000);
