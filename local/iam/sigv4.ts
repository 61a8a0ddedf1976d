import { createHash, timingSafeEqual } from 'node:crypto';
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
  let expected: string | undefined;
  if (claim.location === 'header') {
    const resigned = await signer.sign(toSign, options);
    expected = /Signature=([0-9a-f]+)/.exec(String(resigned.headers.authorization ?? ''))?.[1];
  } else {
    const expiresIn = Number(url.searchParams.get('X-Amz-Expires') ?? '900');
    if (now.getTime() > signingDate.getTime() + expiresIn * 1000)
      return { valid: false, problem: 'expired', message: 'Request has expired' };
    const presigned = await signer.presign(toSign, { ...options, expiresIn });
    const signature = presigned.query?.['X-Amz-Signature'];
    expected = typeof signature === 'string' ? signature : undefined;
  }
  return expected !== undefined && sameSignature(expected, claim.signature)
    ? { valid: true }
    : { valid: false, problem: 'mismatch', message: MISMATCH };
};
