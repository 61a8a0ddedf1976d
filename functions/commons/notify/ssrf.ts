import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressCategory, isLoopbackAddress } from './ip-address.ts';

/**
 * The SSRF guard for employer endpoints (CONTRACT §4): a `notifyUrl` must be https and every address its host
 * resolves to must be public. The host is resolved once, at send time, and the request then connects to an
 * address that was checked (see employer-endpoint.ts), so a DNS answer that changes between the check and
 * the connection (rebinding) cannot redirect it.
 */

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all of its addresses; injectable so tests can make a name resolve anywhere. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, {
    all: true,
    // Stryker disable next-line BooleanLiteral: equivalent, verbatim only orders the answers and every one is checked
    verbatim: true,
  });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

export interface DestinationPolicy {
  /** Local mode also accepts http on 127.0.0.1 and localhost (and only there, loopback addresses). */
  readonly local: boolean;
  readonly resolve: Resolver;
}

/** A destination ReelHire must never contact; not worth retrying. */
export class UnsafeDestinationError extends Error {
  override readonly name = 'UnsafeDestinationError';
}

export interface CheckedDestination {
  readonly url: URL;
  /** The host name without IPv6 brackets, as it goes into the Host header and TLS SNI. */
  readonly hostname: string;
  /** Every address the host resolved to, all of them checked; the connection uses only these. */
  readonly addresses: readonly ResolvedAddress[];
}

const LOCAL_LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

export const checkDestination = async (
  notifyUrl: string,
  policy: DestinationPolicy,
): Promise<CheckedDestination> => {
  let url: URL;
  try {
    url = new URL(notifyUrl);
  } catch {
    throw new UnsafeDestinationError('notifyUrl is not a URL');
  }
  // WHATWG URL parsing already normalised numeric hosts (0x7f.1, 2130706433 → 127.0.0.1).
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const localLoopback = policy.local && LOCAL_LOOPBACK_HOSTS.has(hostname);
  if (url.protocol !== 'https:' && !(localLoopback && url.protocol === 'http:')) {
    throw new UnsafeDestinationError(
      policy.local
        ? 'notifyUrl must be https (plain http only on 127.0.0.1 or localhost in local mode)'
        : 'notifyUrl must be https',
    );
  }
  const literalFamily = isIP(hostname);
  const addresses: readonly ResolvedAddress[] =
    literalFamily === 0
      ? await policy.resolve(hostname)
      : [{ address: hostname, family: literalFamily === 6 ? 6 : 4 }];
  if (addresses.length === 0) throw new Error(`${hostname} resolved to no address`);
  // Every answer must pass, not just the first: the connection may fall back to any of them.
  for (const { address } of addresses) {
    const category = addressCategory(address);
    const allowed = localLoopback ? isLoopbackAddress(address) : category === 'public';
    if (!allowed) {
      throw new UnsafeDestinationError(`notifyUrl host ${hostname} resolves to ${address} (${category})`);
    }
  }
  return { url, hostname, addresses };
};
