import { isLocalMode, optionalEnv, requireEnv } from '#shared/config.ts';
import type { HubMode } from './subscription.ts';

/** A subscribe or unsubscribe request for one topic (WebSub §5.1). */
export interface HubRequest {
  readonly mode: HubMode;
  readonly topic: string;
  readonly callback: string;
  readonly secret: string;
  readonly leaseSeconds: number;
}

/** The port subscription requests go through. Throws HubRequestError when the hub did not accept one. */
export interface HubClient {
  send(request: HubRequest): Promise<void>;
}

/** The hub refused or could not be reached: the caller's message is retried, and dead-lettered in the end. */
export class HubRequestError extends Error {
  override readonly name = 'HubRequestError';
}

export const DEFAULT_HUB_URL = 'https://pubsubhubbub.appspot.com/subscribe';
const REQUEST_TIMEOUT_MS = 10_000;

/** Local mode always names its hub (the stack runs its own): it never falls back to Google's public one. */
export const hubUrl = (): string =>
  isLocalMode() ? requireEnv('YOUTUBE_HUB_URL') : optionalEnv('YOUTUBE_HUB_URL', DEFAULT_HUB_URL);

/** The form the hub receives. `hub.verify=async` is for hubs still on PubSubHubbub 0.3, Google's among them. */
const hubForm = (request: HubRequest): URLSearchParams =>
  new URLSearchParams({
    'hub.mode': request.mode,
    'hub.topic': request.topic,
    'hub.callback': request.callback,
    'hub.secret': request.secret,
    'hub.lease_seconds': String(request.leaseSeconds),
    'hub.verify': 'async',
  });

const causeOf = (error: unknown): string => {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof Error)
    return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return String(cause);
};

/** POSTs form-encoded requests to the hub; 2xx (202 Accepted, or 204 once verified) is success. */
export class FetchHubClient implements HubClient {
  constructor(private readonly hubUrl: string) {}

  async send(request: HubRequest): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.hubUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: hubForm(request),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      // The reason names the failure, never the request (it carries the hub secret).
      throw new HubRequestError(`hub ${this.hubUrl} unreachable for ${request.mode}: ${causeOf(error)}`);
    }
    const answer = (await response.text()).slice(0, 200);
    if (response.status < 200 || response.status > 299) {
      throw new HubRequestError(
        `hub ${this.hubUrl} answered ${response.status} to ${request.mode}${answer ? `: ${answer}` : ''}`,
      );
    }
  }
}
