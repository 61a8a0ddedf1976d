import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';
import type { SessionCredentials } from './credentials.ts';

/** An HTTP request as a local endpoint received it, body read in full (AWS JSON bodies are small). */
export interface ReceivedRequest {
  readonly method: string;
  /** The path and query as sent (`req.url`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

/** What a SigV4 signature claims: who signed, for which region and service, over which headers. */
export interface SignatureClaim {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  /** `X-Amz-Date`, e.g. `20240501T120000Z`. */
  readonly amzDate: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly sessionToken: string | undefined;
  readonly location: 'header' | 'query';
}

export type SignatureCheck =
  | { readonly valid: true }
  | { readonly valid: false; readonly problem: 'mismatch' | 'expired' | 'token'; readonly message: string };

const header = (request: ReceivedRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join(',');
};

const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

const claimOf = (
  fields: {
    readonly credential: string | undefined;
    readonly amzDate: string | undefined;
    readonly signedHeaders: string | undefined;
    readonly signature: string | undefined;
    readonly sessionToken: string | undefined;
  },
  location: SignatureClaim['location'],
): SignatureClaim | undefined => {
  const credential = CREDENTIAL.exec(fields.credential ?? '');
  if (!credential || !fields.amzDate) return undefined;
  return {
    accessKeyId: credential[1]!,
    region: credential[3]!,
    service: credential[4]!,
    amzDate: fields.amzDate,
    signedHeaders: (fields.signedHeaders ?? '').split(';').filter((name) => name !== ''),
    signature: fields.signature ?? '',
    sessionToken: fields.sessionToken,
    location,
  };
};

/** Reads the SigV4 claim of a request, from its Authorization header or its X-Amz-* query parameters. */
export const signatureClaimOf = (request: ReceivedRequest): SignatureClaim | undefined => {
  const authorization = header(request, 'authorization');
  if (authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
    const fields = new Map(
      authorization
        .slice('AWS4-HMAC-SHA256 '.length)
        .split(',')
        .map((part) => part.trim().split('=') as [string, string | undefined]),
    );
    return claimOf(
      {
        credential: fields.get('Credential'),
        amzDate: header(request, 'x-amz-date'),
        signedHeaders: fields.get('SignedHeaders'),
        signature: fields.get('Signature'),
        sessionToken: header(request, 'x-amz-security-token'),
      },
      'header',
    );
  }
  const query = new URL(request.url, 'http://localhost').searchParams;
  const parameter = (name: string) => query.get(`X-Amz-${name}`) ?? undefined;
  return claimOf(
    {
      credential: parameter('Credential'),
      amzDate: parameter('Date'),
      signedHeaders: parameter('SignedHeaders'),
      signature: parameter('Signature'),
      sessionToken: parameter('Security-Token'),
    },
    'query',
  );
};

const dateOf = (amzDate: string): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) return undefined;
  const [, year, month, day, hours, minutes, seconds] = match.map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!));
};

const amzDateOf = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Requests whose date is further than this from now are refused, as AWS refuses them. */
const MAX_SKEW_MS = 15 * 60_000;

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Signers by key, region and service: a signer caches its signing key (four HMACs) for the day. */
const signers = new Map<string, SignatureV4>();

const signerFor = (credentials: SessionCredentials, claim: SignatureClaim): SignatureV4 => {
  const key = `${credentials.accessKeyId}/${credentials.secretAccessKey}/${claim.region}/${claim.service}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = new SignatureV4({
      credentials,
      region: claim.region,
      service: claim.service,
      sha256: Sha256,
      applyChecksum: false,
    });
    if (signers.size > 1_000) signers.clear();
    signers.set(key, signer);
  }
  return signer;
};

/** Signing keys (four HMACs each) by secret, day, region and service: a day's key serves every request. */
const signingKeys = new Map<string, Buffer>();

const signingKeyOf = (secretAccessKey: string, day: string, region: string, service: string): Buffer => {
  const cacheKey = `${secretAccessKey}/${day}/${region}/${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const hmac = (secret: string | Buffer, data: string) =>
      createHmac('sha256', secret).update(data).digest();
    key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
    if (signingKeys.size > 1_000) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
};

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const uriEncode = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * The signature of a header-signed request, computed as SigV4 defines it for every service but S3 (canonical
 * request, string to sign, a day's signing key): the same result as the SDK's signer, without its per-request
 * machinery, which costs most of a guarded call otherwise.
 */
const headerSignature = (
  request: ReceivedRequest,
  claim: SignatureClaim,
  secretAccessKey: string,
  url: URL,
): string => {
  const path = url.pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
  const query = [...url.searchParams]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const signedHeaders = [...claim.signedHeaders].sort();
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const declaredHash = signedHeaders.includes('x-amz-content-sha256')
    ? header(request, 'x-amz-content-sha256')
    : undefined;
  const canonicalRequest = [
    request.method,
    path,
    query,
    canonicalHeaders,
    signedHeaders.join(';'),
    declaredHash ?? sha256Hex(request.body),
  ].join('\n');
  const day = claim.amzDate.slice(0, 8);
  const scope = `${day}/${claim.region}/${claim.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', claim.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  return createHmac('sha256', signingKeyOf(secretAccessKey, day, claim.region, claim.service))
    .update(stringToSign)
    .digest('hex');
};

const sameSignature = (expected: string, given: string): boolean =>
  expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));

/**
 * Signs the request again with the credentials its key id belongs to (the AWS SDK's own signer, over the
 * headers the caller signed, at the date it signed) and compares the signatures.
 */
export const verifySignature = async (
  request: ReceivedRequest,
  claim: SignatureClaim,
  credentials: SessionCredentials,
  now: Date = new Date(),
): Promise<SignatureCheck> => {
  if (claim.sessionToken !== credentials.sessionToken)
    return {
      valid: false,
      problem: 'token',
      message: 'The security token included in the request is invalid.',
    };
  const signingDate = dateOf(claim.amzDate);
  if (!signingDate) return { valid: false, problem: 'mismatch', message: MISMATCH };
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    const earliest = amzDateOf(new Date(now.getTime() - MAX_SKEW_MS));
    return {
      valid: false,
      problem: 'expired',
      message: `Signature expired: ${claim.amzDate} is now earlier than ${earliest} (${amzDateOf(now)} - 15 min.)`,
    };
  }
  // The signature covers x-amz-content-sha256 when the SDK sends it; the body must be what that hash says.
  const declaredHash = header(request, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD') {
    if (createHash('sha256').update(request.body).digest('hex') !== declaredHash)
      return { valid: false, problem: 'mismatch', message: MISMATCH };
  }
  const url = new URL(request.url, 'http://localhost');
  if (claim.location === 'header') {
    return sameSignature(headerSignature(request, claim, credentials.secretAccessKey, url), claim.signature)
      ? { valid: true }
      : { valid: false, problem: 'mismatch', message: MISMATCH };
  }
  const query: QueryParameterBag = {};
  for (const [name, value] of url.searchParams) {
    if (claim.location === 'query' && name === 'X-Amz-Signature') continue;
    const previous = query[name];
    query[name] = previous === undefined || previous === null ? value : [...[previous].flat(), value];
  }
  const signed = new Set(claim.signedHeaders);
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(request, name);
    if (value !== undefined) headers[name] = value;
  }
  const toSign: HttpRequest = {
    method: request.method,
    protocol: 'http:',
    hostname: (header(request, 'host') ?? 'localhost').split(':')[0]!,
    path: decodeURIComponent(url.pathname),
    query,
    headers,
    body: request.body,
  };
  const signer = signerFor(credentials, claim);
  const options = {
    signingDate,
    signableHeaders: signed,
    signingRegion: claim.region,
    signingService: claim.service,
  };
  // Presigned (query) requests are rare locally: the SDK's own signer checks them.
  const expiresIn = Number(url.searchParams.get('X-Amz-Expires') ?? '900');
  if (now.getTime() > signingDate.getTime() + expiresIn * 1000)
    return { valid: false, problem: 'expired', message: 'Request has expired' };
  const presigned = await signer.presign(toSign, { ...options, expiresIn });
  const signature = presigned.query?.['X-Amz-Signature'];
  const expected = typeof signature === 'string' ? signature : undefined;
  return expected !== undefined && sameSignature(expected, claim.signature)
    ? { valid: true }
    : { valid: false, problem: 'mismatch', message: MISMATCH };
};
