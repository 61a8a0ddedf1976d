/**
 * What the front door admits of each route (DESIGN "Front door"): API Gateway's route throttle classes, what the
 * CDN caches, WAF's per-IP limit on the viewer routes. lib/routing.ts gives each HTTP route its class; the stack
 * builds the stage's route settings, the distribution and the web ACL from these, and the local runtime applies
 * them from the synthesized template.
 */

export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * API Gateway route throttles (token buckets: `rateLimit` requests/s refilled, `burstLimit` the bucket), one
 * class per kind of caller; numbers justified in docs/capacity.md ("Front door"). Route throttles are caps, not
 * reservations: every route draws on the account's one regional quota, so the caps of everything that is not a
 * webhook stay low enough that the webhooks' planned peak still fits beside them (test/cdk/throttles.test.ts).
 */
export const THROTTLE_CLASSES = {
  /** The platforms' deliveries, at the capacity plan: 10,500 Video Posted/s at peak plus ~100 removals/s. */
  webhooks: { rateLimit: 10_600, burstLimit: 5_000 },
  /** Public reads (`GET /links/{p}/{v}`, `/openapi.json`, `/health`): mostly answered by the CDN. */
  publicReads: { rateLimit: 1_000, burstLimit: 500 },
  /** What a viewer's browser calls: the redirects, the apply page, applications, the applicant API. */
  viewer: { rateLimit: 500, burstLimit: 250 },
  /** The employer API: a ceiling over every employer; each one's own 10/s (CONTRACT §7) is the function's. */
  employer: { rateLimit: 100, burstLimit: 50 },
} as const satisfies Record<string, RouteThrottle>;

export type ThrottleClass = keyof typeof THROTTLE_CLASSES;

/**
 * The stage's default route throttle, for a route that has no setting of its own (none should): the
 * tightest class, so that a route given no class of its own cannot take more than the least of them.
 */
export const DEFAULT_ROUTE_THROTTLE: RouteThrottle = THROTTLE_CLASSES.employer;

/**
 * The account's API Gateway quota in the region (AWS default 10,000 requests/s, burst 5,000) that
 * docs/deploy.md asks to have raised to this before a prod deploy.
 */
export const REQUESTED_ACCOUNT_QUOTA: RouteThrottle = { rateLimit: 20_000, burstLimit: 10_000 };

/**
 * The public reads the CDN caches: GET only, keyed on the path alone, for PUBLIC_READ_MAX_AGE_SECONDS; each
 * answers `cache-control: public, max-age=…` on its 200 and `no-store` otherwise. Every other route passes
 * through uncached with every viewer header but Host, its query string and its body (the funnel's counted
 * routes, the webhooks, the authenticated APIs). `/openapi.json` has its behaviour whether or not the route
 * exists yet.
 */
export const CDN_CACHED_ROUTES: readonly string[] = ['GET /links/{platform}/{videoId}', 'GET /openapi.json'];

/**
 * WAF's per-IP rate rule at the CDN, on what a viewer's browser calls (the `viewer` throttle class: the
 * redirects, the apply page, applications, the applicant API) and never on the platforms' server reads of
 * `/links/{p}/{v}` or the webhooks, whose callers share a few addresses. Requests counted over the window,
 * per client IP: a person taps, loads and applies a few times a minute; a carrier NAT puts many people behind
 * one address, hence the margin. WAF counts no faster than a minute (DESIGN: the employer limit is not here).
 */
export const VIEWER_RATE_LIMIT = { requests: 300, windowSeconds: 60 } as const;
