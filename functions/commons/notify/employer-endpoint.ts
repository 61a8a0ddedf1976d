import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type CheckedDestination,
  checkDestination,
  type DestinationPolicy,
  type ResolvedAddress,
  UnsafeDestinationError,
} from './ssrf.ts';

/** What one POST to an employer came to, and how long it took (the delivery log shows both). */
export type DeliveryOutcome = (
  | { readonly kind: 'delivered'; readonly status: number }
  /** 410: the employer says the endpoint is gone; retrying is pointless. */
  | { readonly kind: 'gone'; readonly status: 410 }
  /** The SSRF guard refused the destination; nothing was sent. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Anything else (3xx, 4xx, 5xx, timeout, network): worth another try. The status when there was one. */
  | {
      readonly kind: 'failed';
      readonly reason: string;
      readonly status?: number;
      readonly retryAfterSeconds?: number;
    }
) & { readonly durationMs: number };

export interface EmployerRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The port the notifier sends through. */
export interface EmployerEndpoint {
  post(request: EmployerRequest): Promise<DeliveryOutcome>;
}

/** CONTRACT §4: 2xx within 15 s is success. */
const DELIVERY_TIMEOUT_MS = 15_000;

/** Hands the socket only addresses the guard checked: no second DNS lookup between check and connect. */
const pinnedLookup =
  (addresses: readonly ResolvedAddress[]): LookupFunction =>
  (_hostname, options, callback) => {
    if (options.all) {
      const all: LookupAddress[] = addresses.map(({ address, family }) => ({ address, family }));
      callback(null, all);
      return;
    }
    const [first] = addresses;
    if (!first) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    callback(null, first.address, first.family);
  };

/** Retry-After as seconds (delta-seconds or an HTTP date), when an employer asks us to slow down. */
export const parseRetryAfter = (value: string | undefined, now: Date): number | undefined => {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
};

interface EmployerResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
}

const send = (
  destination: CheckedDestination,
  request: EmployerRequest,
  timeoutMs: number,
): Promise<EmployerResponse> =>
  new Promise((resolve, reject) => {
    const { url, hostname, addresses } = destination;
    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request({
      method: 'POST',
      protocol: url.protocol,
      hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup: pinnedLookup(addresses),
      // A fresh connection per attempt: a pooled socket could outlive the address check.
      agent: false,
    });
    const timer = setTimeout(
      () => outgoing.destroy(new Error(`no response within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    outgoing.on('response', (response) => {
      // Only the status matters; the body is drained, and cut off at the deadline if it drips on, so an
      // endpoint cannot hold a socket open. Redirects are never followed.
      response.on('close', () => clearTimeout(timer));
      response.resume();
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
    });
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * POSTs to an employer through the SSRF guard: resolve once, check every address, connect to a checked one,
 * never follow a redirect, give up after the timeout.
 */
export class GuardedEmployerEndpoint implements EmployerEndpoint {
  constructor(
    private readonly policy: DestinationPolicy,
    private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async post(request: EmployerRequest): Promise<DeliveryOutcome> {
    const started = performance.now();
    const outcome = await this.attempt(request);
    return { ...outcome, durationMs: Math.round(performance.now() - started) };
  }

  private async attempt(request: EmployerRequest): Promise<DistributiveOmit<DeliveryOutcome, 'durationMs'>> {
    let destination: CheckedDestination;
    try {
      destination = await checkDestination(request.url, this.policy);
    } catch (error) {
      if (error instanceof UnsafeDestinationError) return { kind: 'refused', reason: error.message };
      // A name that does not resolve today may resolve tomorrow.
      return { kind: 'failed', reason: `resolving the employer endpoint failed: ${describe(error)}` };
    }
    let response: EmployerResponse;
    try {
      response = await send(destination, request, this.timeoutMs);
    } catch (error) {
      return { kind: 'failed', reason: `employer endpoint unreachable: ${describe(error)}` };
    }
    const { status } = response;
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 410) return { kind: 'gone', status };
    const reason =
      status >= 300 && status < 400
        ? `employer endpoint answered ${status} (redirects are not followed)`
        : `employer endpoint answered ${status}`;
    const retryAfterSeconds = parseRetryAfter(response.retryAfter, this.now());
    return retryAfterSeconds === undefined
      ? { kind: 'failed', reason, status }
      : { kind: 'failed', reason, status, retryAfterSeconds };
  }
}
