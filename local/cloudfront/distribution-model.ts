import { pathPatternMatches } from '../../lib/path-patterns.ts';
import { ofType, type ResolvedResource } from '../cloudformation/intrinsics.ts';
import { arrayField, isJsonObject, type JsonObject, numberField, objectField, stringField } from '../json.ts';

/**
 * What the local runtime takes from a CloudFront distribution of the template: its behaviours in precedence
 * order, each with its allowed and cached methods, cache policy (TTLs, what makes the cache key) and origin
 * request policy (what else reaches the origin), the error caching TTLs, and the WAF web ACL it names.
 */

/** Which of a request's headers, cookies or query strings a policy takes. */
export interface Selection {
  readonly behavior: 'none' | 'all' | 'whitelist' | 'allExcept';
  /** Lower-case header names; cookie and query string names as they are. */
  readonly names: readonly string[];
}

export interface CachePolicyModel {
  readonly name: string;
  readonly minTtl: number;
  readonly defaultTtl: number;
  readonly maxTtl: number;
  readonly headers: Selection;
  readonly cookies: Selection;
  readonly queryStrings: Selection;
}

export interface OriginRequestPolicyModel {
  readonly name: string;
  readonly headers: Selection;
  readonly cookies: Selection;
  readonly queryStrings: Selection;
}

export interface BehaviourModel {
  /** Undefined for the default behaviour. */
  readonly pathPattern: string | undefined;
  readonly allowedMethods: readonly string[];
  readonly cachedMethods: readonly string[];
  readonly cachePolicy: CachePolicyModel;
  readonly originRequestPolicy: OriginRequestPolicyModel | undefined;
}

export interface DistributionModel {
  readonly logicalId: string;
  /** The path-pattern behaviours in precedence order, then the default one. */
  readonly behaviours: readonly BehaviourModel[];
  /** Error Caching Minimum TTL by status, where the distribution sets one (else CloudFront's 10 s). */
  readonly errorCachingMinTtl: ReadonlyMap<number, number>;
  readonly webAclArn: string | undefined;
}

const NONE: Selection = { behavior: 'none', names: [] };
const ALL: Selection = { behavior: 'all', names: [] };

/** CloudFront's managed policies (developer guide, "Use managed cache policies" / "origin request policies"). */
export const MANAGED_CACHE_POLICIES: ReadonlyMap<string, CachePolicyModel> = new Map([
  [
    '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    {
      name: 'Managed-CachingDisabled',
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: 0,
      headers: NONE,
      cookies: NONE,
      queryStrings: NONE,
    },
  ],
  [
    '658327ea-f89d-4fab-a63d-7e88639e58f6',
    {
      name: 'Managed-CachingOptimized',
      minTtl: 1,
      defaultTtl: 86_400,
      maxTtl: 31_536_000,
      headers: NONE,
      cookies: NONE,
      queryStrings: NONE,
    },
  ],
]);

export const MANAGED_ORIGIN_REQUEST_POLICIES: ReadonlyMap<string, OriginRequestPolicyModel> = new Map([
  [
    '216adef6-5c7f-47e4-b989-5492eafa07d3',
    { name: 'Managed-AllViewer', headers: ALL, cookies: ALL, queryStrings: ALL },
  ],
  [
    'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    {
      name: 'Managed-AllViewerExceptHostHeader',
      headers: { behavior: 'allExcept', names: ['host'] },
      cookies: ALL,
      queryStrings: ALL,
    },
  ],
]);

/** A policy's `…Config` block: `{HeaderBehavior, Headers}` and the like. */
const selectionOf = (
  config: JsonObject | undefined,
  kind: 'Header' | 'Cookie' | 'QueryString',
): Selection => {
  if (config === undefined) return NONE;
  const behavior = stringField(config, `${kind}Behavior`) ?? 'none';
  const names = arrayField(config, `${kind}s`).map(String);
  const lowered = kind === 'Header' ? names.map((name) => name.toLowerCase()) : names;
  switch (behavior) {
    case 'all':
    case 'allViewer':
      return ALL;
    case 'allViewerAndWhitelistCloudFront':
      return ALL;
    case 'whitelist':
      return { behavior: 'whitelist', names: lowered };
    case 'allExcept':
      return { behavior: 'allExcept', names: lowered };
    default:
      return NONE;
  }
};

const cachePolicyOf = (resource: ResolvedResource): CachePolicyModel => {
  const config = objectField(resource.properties, 'CachePolicyConfig') ?? {};
  const key = objectField(config, 'ParametersInCacheKeyAndForwardedToOrigin') ?? {};
  return {
    name: stringField(config, 'Name') ?? resource.logicalId,
    minTtl: numberField(config, 'MinTTL') ?? 0,
    defaultTtl: numberField(config, 'DefaultTTL') ?? 86_400,
    maxTtl: numberField(config, 'MaxTTL') ?? 31_536_000,
    headers: selectionOf(objectField(key, 'HeadersConfig'), 'Header'),
    cookies: selectionOf(objectField(key, 'CookiesConfig'), 'Cookie'),
    queryStrings: selectionOf(objectField(key, 'QueryStringsConfig'), 'QueryString'),
  };
};

const originRequestPolicyOf = (resource: ResolvedResource): OriginRequestPolicyModel => {
  const config = objectField(resource.properties, 'OriginRequestPolicyConfig') ?? {};
  return {
    name: stringField(config, 'Name') ?? resource.logicalId,
    headers: selectionOf(objectField(config, 'HeadersConfig'), 'Header'),
    cookies: selectionOf(objectField(config, 'CookiesConfig'), 'Cookie'),
    queryStrings: selectionOf(objectField(config, 'QueryStringsConfig'), 'QueryString'),
  };
};

/** A behaviour with legacy cache settings (ForwardedValues and TTLs on the behaviour itself). */
const legacyCachePolicyOf = (behaviour: JsonObject): CachePolicyModel => {
  const forwarded = objectField(behaviour, 'ForwardedValues') ?? {};
  const headers = arrayField(forwarded, 'Headers').map((name) => String(name).toLowerCase());
  const cookies = objectField(forwarded, 'Cookies');
  const forward = cookies ? stringField(cookies, 'Forward') : undefined;
  return {
    name: 'legacy cache settings',
    minTtl: numberField(behaviour, 'MinTTL') ?? 0,
    defaultTtl: numberField(behaviour, 'DefaultTTL') ?? 86_400,
    maxTtl: numberField(behaviour, 'MaxTTL') ?? 31_536_000,
    headers: headers.includes('*')
      ? ALL
      : headers.length > 0
        ? { behavior: 'whitelist', names: headers }
        : NONE,
    cookies:
      forward === 'all'
        ? ALL
        : forward === 'whitelist'
          ? { behavior: 'whitelist', names: arrayField(cookies ?? {}, 'WhitelistedNames').map(String) }
          : NONE,
    queryStrings: forwarded.QueryString === true || forwarded.QueryString === 'true' ? ALL : NONE,
  };
};

interface Policies {
  readonly cache: ReadonlyMap<string, CachePolicyModel>;
  readonly originRequest: ReadonlyMap<string, OriginRequestPolicyModel>;
}

const behaviourOf = (
  behaviour: JsonObject,
  policies: Policies,
  warn: (message: string) => void,
): BehaviourModel => {
  const cachePolicyId = stringField(behaviour, 'CachePolicyId');
  const originRequestPolicyId = stringField(behaviour, 'OriginRequestPolicyId');
  const pathPattern = stringField(behaviour, 'PathPattern');
  const where = pathPattern ?? 'the default behaviour';
  let cachePolicy =
    cachePolicyId === undefined ? legacyCachePolicyOf(behaviour) : policies.cache.get(cachePolicyId);
  if (cachePolicy === undefined) {
    warn(`CloudFront ${where}: cache policy ${cachePolicyId} is not known locally; nothing is cached there`);
    cachePolicy = MANAGED_CACHE_POLICIES.get('4135ea2d-6df8-44a3-9df3-4b5a84be39ad')!;
  }
  const originRequestPolicy =
    originRequestPolicyId === undefined ? undefined : policies.originRequest.get(originRequestPolicyId);
  if (originRequestPolicyId !== undefined && originRequestPolicy === undefined) {
    warn(`CloudFront ${where}: origin request policy ${originRequestPolicyId} is not known locally`);
  }
  const methods = (name: string): string[] => {
    const listed = arrayField(behaviour, name).map((method) => String(method).toUpperCase());
    return listed.length > 0 ? listed : ['GET', 'HEAD'];
  };
  return {
    pathPattern,
    allowedMethods: methods('AllowedMethods'),
    cachedMethods: methods('CachedMethods'),
    cachePolicy,
    originRequestPolicy,
  };
};

/** The distributions of the template, with the policies they name (the template's own and AWS's managed ones). */
export const distributionsOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): DistributionModel[] => {
  const policies: Policies = {
    cache: new Map([
      ...MANAGED_CACHE_POLICIES,
      ...ofType(resources, 'AWS::CloudFront::CachePolicy').map(
        (policy) => [policy.identity.ref, cachePolicyOf(policy)] as const,
      ),
    ]),
    originRequest: new Map([
      ...MANAGED_ORIGIN_REQUEST_POLICIES,
      ...ofType(resources, 'AWS::CloudFront::OriginRequestPolicy').map(
        (policy) => [policy.identity.ref, originRequestPolicyOf(policy)] as const,
      ),
    ]),
  };
  return ofType(resources, 'AWS::CloudFront::Distribution').map((distribution) => {
    const config = objectField(distribution.properties, 'DistributionConfig') ?? {};
    const ordered = [
      ...arrayField(config, 'CacheBehaviors').filter(isJsonObject),
      objectField(config, 'DefaultCacheBehavior') ?? {},
    ];
    const errorCachingMinTtl = new Map<number, number>();
    for (const error of arrayField(config, 'CustomErrorResponses').filter(isJsonObject)) {
      const code = numberField(error, 'ErrorCode');
      const ttl = numberField(error, 'ErrorCachingMinTTL');
      if (code !== undefined && ttl !== undefined) errorCachingMinTtl.set(code, ttl);
      if (error.ResponsePagePath !== undefined) {
        warn(`CloudFront error page for ${code} is not served locally: the origin's error is`);
      }
    }
    if (arrayField(config, 'Origins').length > 1) {
      warn(`CloudFront ${distribution.logicalId}: only one origin is emulated, the local HTTP API`);
    }
    return {
      logicalId: distribution.logicalId,
      behaviours: ordered.map((behaviour) => behaviourOf(behaviour, policies, warn)),
      errorCachingMinTtl,
      webAclArn: stringField(config, 'WebACLId'),
    };
  });
};

/** The behaviour CloudFront applies to a path: the first pattern that matches, else the default. */
export const behaviourFor = (distribution: DistributionModel, path: string): BehaviourModel => {
  const behaviour = distribution.behaviours.find(
    (candidate) => candidate.pathPattern === undefined || pathPatternMatches(candidate.pathPattern, path),
  );
  if (behaviour === undefined)
    throw new Error(`distribution ${distribution.logicalId} has no default behaviour`);
  return behaviour;
};
