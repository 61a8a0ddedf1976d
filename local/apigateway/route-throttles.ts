import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import type { HttpReply } from '../http/payload-v2.ts';
import { isJsonObject, numberField, objectField } from '../json.ts';

/**
 * API Gateway's throttling of an HTTP API, from the template: a token bucket per route (the stage's
 * `RouteSettings` entry for its route key, else the stage's `DefaultRouteSettings`), and the account's own
 * bucket in front of every API (AWS's default quota: the template cannot say what the account was granted).
 * A request takes a token from the account's bucket and from its route's; without one it is answered 429
 * before any function runs.
 */

export interface Throttle {
  /** Tokens added per second. */
  readonly rateLimit: number;
  /** The bucket's size: how many requests may arrive at once. */
  readonly burstLimit: number;
}

/** The account's regional quota across all APIs when nothing was raised (API Gateway quotas). */
export const ACCOUNT_DEFAULT_THROTTLE: Throttle = { rateLimit: 10_000, burstLimit: 5_000 };

export interface StageThrottles {
  /** Undefined fields fall back to the account's. */
  readonly defaultRoute: Partial<Throttle>;
  readonly routes: ReadonlyMap<string, Partial<Throttle>>;
}

const throttleOf = (settings: Readonly<Record<string, unknown>> | undefined): Partial<Throttle> => {
  const rateLimit = settings ? numberField(settings, 'ThrottlingRateLimit') : undefined;
  const burstLimit = settings ? numberField(settings, 'ThrottlingBurstLimit') : undefined;
  return {
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(burstLimit !== undefined ? { burstLimit } : {}),
  };
};

/** The throttles of the stage that serves the API (`$default` first, as that is the one the API port is). */
export const stageThrottlesOf = (resources: readonly ResolvedResource[]): StageThrottles => {
  const stages = ofType(resources, 'AWS::ApiGatewayV2::Stage');
  const stage = stages.find((candidate) => candidate.properties.StageName === '$default') ?? stages[0];
  if (stage === undefined) return { defaultRoute: {}, routes: new Map() };
  const routes = new Map<string, Partial<Throttle>>();
  for (const [routeKey, settings] of Object.entries(objectField(stage.properties, 'RouteSettings') ?? {})) {
    routes.set(routeKey, throttleOf(isJsonObject(settings) ? settings : undefined));
  }
  return { defaultRoute: throttleOf(objectField(stage.properties, 'DefaultRouteSettings')), routes };
};

/** A token bucket that starts full and refills continuously, as API Gateway describes its throttling. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly throttle: Throttle,
    now: number,
  ) {
    this.tokens = throttle.burstLimit;
    this.refilledAt = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.throttle.burstLimit, this.tokens + elapsedSeconds * this.throttle.rateLimit);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** API Gateway's own answer to a throttled request (CONTRACT §4: its body, locally too). */
export const TOO_MANY_REQUESTS: HttpReply = {
  statusCode: 429,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message: 'Too Many Requests' })),
};

/** The buckets of one API: admit(routeKey) says whether a request on that route may go on, now. */
export class RouteThrottles {
  private readonly account: TokenBucket;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly stage: StageThrottles,
    private readonly clock: () => number,
    private readonly accountThrottle: Throttle = ACCOUNT_DEFAULT_THROTTLE,
  ) {
    this.account = new TokenBucket(accountThrottle, clock());
  }

  /** The effective throttle of a route: its own setting, else the stage default, else the account's. */
  throttleOf(routeKey: string): Throttle {
    const own = this.stage.routes.get(routeKey) ?? {};
    return {
      rateLimit: own.rateLimit ?? this.stage.defaultRoute.rateLimit ?? this.accountThrottle.rateLimit,
      burstLimit: own.burstLimit ?? this.stage.defaultRoute.burstLimit ?? this.accountThrottle.burstLimit,
    };
  }

  admit(routeKey: string): boolean {
    const now = this.clock();
    let bucket = this.buckets.get(routeKey);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.throttleOf(routeKey), now);
      this.buckets.set(routeKey, bucket);
    }
    return bucket.take(now) && this.account.take(now);
  }
}
