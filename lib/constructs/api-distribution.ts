import { Duration, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { methodOf, pathPatternMatches, pathPatternOf, samplePathOf } from '../path-patterns.ts';
import type { HttpRoute } from '../routing.ts';

export interface CustomDomain {
  readonly name: string;
  /** ACM, in us-east-1 (CloudFront's requirement). */
  readonly certificate: ICertificate;
}

export interface ApiDistributionProps {
  /** The HTTP API's host: its execute-api domain, or its own custom domain. */
  readonly originDomainName: string;
  /** Every route of the API: the pass-through behaviours that cached patterns would shadow come from them. */
  readonly routes: readonly HttpRoute[];
  /** Route keys of the public reads to cache (GET only). */
  readonly cachedRoutes: readonly string[];
  /** The cached reads' TTL: their origin's max-age, and the default for a 200 without one. */
  readonly cacheSeconds: number;
  /** ARN of a WAF web ACL of CLOUDFRONT scope. @default - none */
  readonly webAclArn?: string;
  /** @default - the distribution's own `*.cloudfront.net` domain */
  readonly customDomain?: CustomDomain;
}

/** Statuses CloudFront caches by default (10 s) even when the origin says nothing: never here. */
const ERRORS_CACHED_BY_DEFAULT = [404, 414, 500, 501, 502, 503, 504];

/**
 * CloudFront in front of the HTTP API (CONTRACT §4 routes, DESIGN "Front door"). The default behaviour passes
 * everything through uncached: every viewer header but Host (so Authorization and the platforms' signature
 * headers reach the functions: AWS forwards Authorization when all viewer headers are), the query string and
 * the body, all methods. Each cached public read has a GET-only behaviour whose cache key is the path alone;
 * a route whose paths such a pattern would also catch (`/links/{p}/{v}/portfolio` under `/links/*` + `/*`)
 * gets a pass-through behaviour of its own ahead of it. Errors are never cached.
 */
export class ApiDistribution extends Construct {
  public readonly distribution: Distribution;
  public readonly publicReadCache: CachePolicy;
  /** `https://` and the public domain, without a trailing slash. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ApiDistributionProps) {
    super(scope, id);
    const origin = new HttpOrigin(props.originDomainName, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    this.publicReadCache = new CachePolicy(this, 'PublicReadCache', {
      comment: 'ReelHire public reads: the path alone, a few seconds',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(props.cacheSeconds),
      maxTtl: Duration.seconds(props.cacheSeconds),
      headerBehavior: CacheHeaderBehavior.none(),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
    });
    const passThrough = (allowedMethods: AllowedMethods): BehaviorOptions => ({
      origin,
      allowedMethods,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      compress: false,
    });
    const cached: BehaviorOptions = {
      origin,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy: this.publicReadCache,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      // The answers are a few hundred bytes: under CloudFront's 1,000-byte minimum for compression.
      compress: false,
    };

    const cachedPatterns = props.cachedRoutes.map((routeKey) => {
      if (methodOf(routeKey) !== 'GET') throw new Error(`only GET routes can be cached: ${routeKey}`);
      return pathPatternOf(routeKey);
    });
    const shadowed = new Map<string, string[]>();
    for (const route of props.routes) {
      if (props.cachedRoutes.includes(route.routeKey)) continue;
      const pattern = pathPatternOf(route.routeKey);
      if (cachedPatterns.includes(pattern)) {
        throw new Error(
          `${route.routeKey} shares a cached path pattern (${pattern}): give it a path of its own`,
        );
      }
      if (
        cachedPatterns.some((cachedPattern) =>
          pathPatternMatches(cachedPattern, samplePathOf(route.routeKey)),
        )
      ) {
        shadowed.set(pattern, [...(shadowed.get(pattern) ?? []), methodOf(route.routeKey)]);
      }
    }
    // Precedence is the order of the behaviours: the narrower pass-through ones first.
    const additionalBehaviors: Record<string, BehaviorOptions> = {};
    for (const [pattern, methods] of shadowed) {
      const readOnly = methods.every((method) => method === 'GET' || method === 'HEAD');
      additionalBehaviors[pattern] = passThrough(
        readOnly ? AllowedMethods.ALLOW_GET_HEAD : AllowedMethods.ALLOW_ALL,
      );
    }
    for (const pattern of cachedPatterns) additionalBehaviors[pattern] = cached;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'ReelHire front door',
      defaultBehavior: passThrough(AllowedMethods.ALLOW_ALL),
      additionalBehaviors,
      errorResponses: ERRORS_CACHED_BY_DEFAULT.map((httpStatus) => ({
        httpStatus,
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      ...(props.webAclArn !== undefined ? { webAclId: props.webAclArn } : {}),
      ...(props.customDomain !== undefined
        ? {
            domainNames: [props.customDomain.name],
            certificate: props.customDomain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.url = `https://${props.customDomain?.name ?? this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Viewers and platforms are worldwide: no country is refused.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Every request that reaches the origin is in the API access log (30 days, CONTRACT §7); edge hits of the public reads are counted by CloudFront metrics. Standard logs would be a second store of viewer IP addresses.',
      },
      ...(props.customDomain === undefined
        ? [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                "Without a custom domain the distribution serves *.cloudfront.net with CloudFront's default certificate, whose TLS floor cannot be set; a custom domain sets TLSv1.2_2021.",
            },
          ]
        : []),
    );
  }
}
