import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_READ_MAX_AGE_SECONDS } from '#shared/http.ts';
import { isJsonObject } from '#shared/json.ts';
import { buildApp } from '../../lib/app.ts';
import { type CfnResource, type CfnTemplate, readAssembly, readCloudAssembly } from '../../lib/assembly.ts';
import { loadConfig, secretSetting } from '../../lib/config.ts';
import { CDN_CACHED_ROUTES, THROTTLE_CLASSES, VIEWER_RATE_LIMIT } from '../../lib/front-door.ts';
import { FUNCTIONS } from '../../lib/functions.ts';
import { logicalIds, stackIdOf } from '../../lib/names.ts';
import { methodOf, pathPatternMatches, samplePathOf } from '../../lib/path-patterns.ts';
import { HTTP_ROUTES } from '../../lib/routing.ts';
import { RouteThrottles, stageThrottlesOf } from '../../local/apigateway/route-throttles.ts';
import { resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import {
  distributionsOf,
  behaviourFor as localBehaviourFor,
} from '../../local/cloudfront/distribution-model.ts';
import { webAclsOf } from '../../local/waf/web-acl.ts';
import { listOf, prop, resolve, resourceOf, resourcesOf, templates } from './template.ts';

/** AWS's managed policies (CloudFront developer guide, "Use managed cache/origin request policies"). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
/** Every viewer header but Host (Authorization included, as caching is off), every cookie and query string. */
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const only = (template: CfnTemplate, type: string): [string, CfnResource] => {
  const [entry, ...others] = resourcesOf(template, type);
  expect(others).toEqual([]);
  if (entry === undefined) throw new Error(`no ${type}`);
  return entry;
};

type Behaviour = Record<string, unknown>;

const configOf = (template: CfnTemplate): Record<string, unknown> => {
  const config = prop(only(template, 'AWS::CloudFront::Distribution')[1], 'DistributionConfig');
  if (!isJsonObject(config)) throw new Error('no DistributionConfig');
  return config;
};

/** The behaviour CloudFront uses for a path: the first whose pattern matches, else the default. */
const behaviourFor = (template: CfnTemplate, requestPath: string): Behaviour => {
  const config = configOf(template);
  const matching = listOf(config.CacheBehaviors)
    .filter(isJsonObject)
    .find((behaviour) => pathPatternMatches(String(behaviour.PathPattern), requestPath));
  const found = matching ?? config.DefaultCacheBehavior;
  if (!isJsonObject(found)) throw new Error('no default behaviour');
  return found;
};

describe('CloudFront in front of the HTTP API', () => {
  const { stateless } = templates();
  const [apiId] = only(stateless, 'AWS::ApiGatewayV2::Api');

  it('has the API as its one origin, over HTTPS only, without forwarding Host', () => {
    const [origin, ...others] = listOf(configOf(stateless).Origins).filter(isJsonObject);
    expect(others).toEqual([]);
    expect(resolve(origin?.DomainName)).toBe(`${apiId}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`);
    expect(origin?.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it('passes everything else through uncached, with every viewer header but Host, the query and the body', () => {
    const fallback = configOf(stateless).DefaultCacheBehavior;
    expect(fallback).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      ViewerProtocolPolicy: 'https-only',
    });
  });

  it.each(CDN_CACHED_ROUTES)('caches %s on its path alone, for the origin’s few seconds', (routeKey) => {
    const behaviour = behaviourFor(stateless, samplePathOf(routeKey));
    expect(behaviour).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], CachedMethods: ['GET', 'HEAD'] });
    expect(behaviour.OriginRequestPolicyId).toBeUndefined();
    const policy = resourceOf(stateless, resolve(behaviour.CachePolicyId), 'AWS::CloudFront::CachePolicy');
    expect(prop(policy, 'CachePolicyConfig')).toMatchObject({
      MinTTL: 0,
      DefaultTTL: PUBLIC_READ_MAX_AGE_SECONDS,
      MaxTTL: PUBLIC_READ_MAX_AGE_SECONDS,
      ParametersInCacheKeyAndForwardedToOrigin: {
        CookiesConfig: { CookieBehavior: 'none' },
        HeadersConfig: { HeaderBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        EnableAcceptEncodingGzip: false,
        EnableAcceptEncodingBrotli: false,
      },
    });
  });

  it.each(HTTP_ROUTES.filter((route) => !CDN_CACHED_ROUTES.includes(route.routeKey)).map((r) => r.routeKey))(
    '%s is never cached, and its method and headers reach the API',
    (routeKey) => {
      const behaviour = behaviourFor(stateless, samplePathOf(routeKey));
      expect(behaviour.CachePolicyId).toBe(CACHING_DISABLED);
      expect(behaviour.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      expect(listOf(behaviour.AllowedMethods)).toContain(methodOf(routeKey));
    },
  );

  it('never caches an error: the statuses CloudFront would keep 10 s by default are kept 0 s', () => {
    const errors = listOf(configOf(stateless).CustomErrorResponses).filter(isJsonObject);
    expect(errors.map((error) => [error.ErrorCode, error.ErrorCachingMinTTL])).toEqual(
      [404, 414, 500, 501, 502, 503, 504].map((code) => [code, 0]),
    );
    expect(errors.every((error) => error.ResponsePagePath === undefined)).toBe(true);
  });

  it('is what every function takes as PUBLIC_BASE_URL, and what the webhook outputs name', () => {
    const [distributionId] = only(stateless, 'AWS::CloudFront::Distribution');
    const publicUrl = `https://${distributionId}.DomainName`;
    for (const name of Object.keys(FUNCTIONS)) {
      const fn = resourceOf(stateless, logicalIds.function(name), 'AWS::Lambda::Function');
      expect(resolve(prop(fn, 'Environment', 'Variables', 'PUBLIC_BASE_URL'))).toBe(publicUrl);
    }
    const outputs = stateless.Outputs ?? {};
    expect(resolve(outputs.ApiUrl?.Value)).toBe(publicUrl);
    expect(resolve(outputs.TiktokWebhookUrl?.Value)).toBe(`${publicUrl}/webhooks/tiktok`);
    expect(resolve(outputs.OriginUrl?.Value)).toBe(
      `https://${apiId}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`,
    );
  });
});

describe('WAF on the distribution', () => {
  const { stateless } = templates();
  const [webAclId, webAcl] = only(stateless, 'AWS::WAFv2::WebACL');

  const rateRule = (): Record<string, unknown> => {
    const [rule, ...others] = listOf(prop(webAcl, 'Rules')).filter(isJsonObject);
    expect(others).toEqual([]);
    if (!rule) throw new Error('no rule');
    return rule;
  };

  /** Whether the rule's scope-down statement takes a request (its And/Or of method and path matches). */
  const inScope = (method: string, requestPath: string): boolean => {
    const evaluate = (statement: unknown): boolean => {
      if (!isJsonObject(statement)) throw new Error('not a statement');
      const or = prop({ Type: '', Properties: statement }, 'OrStatement', 'Statements');
      if (or !== undefined) return listOf(or).some(evaluate);
      const and = prop({ Type: '', Properties: statement }, 'AndStatement', 'Statements');
      if (and !== undefined) return listOf(and).every(evaluate);
      if (isJsonObject(statement.ByteMatchStatement)) {
        expect(statement.ByteMatchStatement).toMatchObject({
          FieldToMatch: { Method: {} },
          PositionalConstraint: 'EXACTLY',
        });
        return statement.ByteMatchStatement.SearchString === method;
      }
      if (isJsonObject(statement.RegexMatchStatement)) {
        expect(statement.RegexMatchStatement.FieldToMatch).toEqual({ UriPath: {} });
        return new RegExp(String(statement.RegexMatchStatement.RegexString)).test(requestPath);
      }
      throw new Error(`unexpected statement ${JSON.stringify(statement)}`);
    };
    return evaluate(
      prop({ Type: '', Properties: rateRule() }, 'Statement', 'RateBasedStatement', 'ScopeDownStatement'),
    );
  };

  it('is attached to the distribution, scope CLOUDFRONT, allowing by default', () => {
    expect(resolve(configOf(stateless).WebACLId)).toBe(`${webAclId}.Arn`);
    expect(prop(webAcl, 'Scope')).toBe('CLOUDFRONT');
    expect(prop(webAcl, 'DefaultAction')).toEqual({ Allow: {} });
  });

  it('blocks one IP over its rate on the viewer routes', () => {
    const rule = rateRule();
    expect(rule.Action).toEqual({ Block: {} });
    expect(prop({ Type: '', Properties: rule }, 'Statement', 'RateBasedStatement')).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: VIEWER_RATE_LIMIT.requests,
      EvaluationWindowSec: VIEWER_RATE_LIMIT.windowSeconds,
    });
  });

  it.each(HTTP_ROUTES.map((route) => [route.routeKey, route.throttle] as const))(
    '%s (%s) is counted only if a viewer’s browser calls it',
    (routeKey, throttle) => {
      expect(inScope(methodOf(routeKey), samplePathOf(routeKey))).toBe(throttle === 'viewer');
    },
  );

  it('never counts the platforms’ reads of a video’s links, whatever the video id', () => {
    for (const requestPath of [
      '/links/tiktok/7312345678901234567',
      '/links/youtube/portfolio',
      '/openapi.json',
    ]) {
      expect(inScope('GET', requestPath)).toBe(false);
    }
  });

  it('refuses a deploy outside us-east-1, where WAF takes CloudFront web ACLs', () => {
    const rules = (stateless as CfnTemplate & { Rules?: Record<string, unknown> }).Rules ?? {};
    expect(rules.FrontDoorRegion).toMatchObject({
      Assertions: [{ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } }],
    });
  });
});

describe('a custom domain', () => {
  const settings: NodeJS.ProcessEnv = {
    REELHIRE_VIEWER_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
    REELHIRE_ALARM_EMAIL: 'ops@example.com',
    REELHIRE_DOMAIN_NAME: 'reelhire.example.com',
    REELHIRE_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f',
    ...Object.fromEntries(
      [...new Set(Object.values(FUNCTIONS).flatMap((spec) => spec.secrets))].map((name) => [
        secretSetting(name).env,
        `prod/reelhire/${name}`,
      ]),
    ),
  };
  let outdir = '';
  let stateless: CfnTemplate;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'reelhire-front-door-'));
    buildApp({
      outdir,
      context: { stage: 'prod', 'aws:cdk:bundling-stacks': [] },
      env: settings,
      cloudFormationValidation: false,
    }).app.synth();
    ({ stateless } = readAssembly(outdir, 'prod').templates);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is the distribution’s alias with its certificate, and the public base url', () => {
    const config = configOf(stateless);
    expect(config.Aliases).toEqual(['reelhire.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: settings.REELHIRE_CERTIFICATE_ARN,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    const fn = resourceOf(stateless, logicalIds.function('applicationsApi'), 'AWS::Lambda::Function');
    expect(prop(fn, 'Environment', 'Variables', 'PUBLIC_BASE_URL')).toBe('https://reelhire.example.com');
  });

  it('closes the execute-api url: the API answers only origin.<domain>, which CloudFront uses', () => {
    const [apiId, api] = only(stateless, 'AWS::ApiGatewayV2::Api');
    expect(prop(api, 'DisableExecuteApiEndpoint')).toBe(true);
    const [domainId, domain] = only(stateless, 'AWS::ApiGatewayV2::DomainName');
    expect(prop(domain, 'DomainName')).toBe('origin.reelhire.example.com');
    expect(prop(domain, 'DomainNameConfigurations')).toEqual([
      {
        CertificateArn: settings.REELHIRE_CERTIFICATE_ARN,
        EndpointType: 'REGIONAL',
        SecurityPolicy: 'TLS_1_2',
      },
    ]);
    const [, mapping] = only(stateless, 'AWS::ApiGatewayV2::ApiMapping');
    expect(resolve(prop(mapping, 'ApiId'))).toBe(apiId);
    expect(resolve(prop(mapping, 'DomainName'))).toBe(domainId);
    const [origin] = listOf(configOf(stateless).Origins).filter(isJsonObject);
    expect(origin?.DomainName).toBe('origin.reelhire.example.com');
    expect(
      readFileSync(path.join(outdir, `${stackIdOf('prod', 'stateless')}.template.json`), 'utf8'),
    ).toContain('origin.reelhire.example.com CNAME');
  });

  it('runs locally as synthesized: the local runtime reads its front door without a warning', () => {
    const warnings: string[] = [];
    const { resources } = resolveCloudAssembly(readCloudAssembly(outdir), 'http://127.0.0.1:3000');
    const [distribution, ...others] = distributionsOf(resources, (message) => warnings.push(message));
    expect(others).toEqual([]);
    expect(webAclsOf(resources, (message) => warnings.push(message)).map((acl) => acl.arn)).toEqual([
      distribution?.webAclArn,
    ]);
    for (const routeKey of CDN_CACHED_ROUTES) {
      expect(localBehaviourFor(distribution!, samplePathOf(routeKey)).cachePolicy.maxTtl).toBe(
        PUBLIC_READ_MAX_AGE_SECONDS,
      );
    }
    const throttles = new RouteThrottles(stageThrottlesOf(resources), () => 0);
    for (const route of HTTP_ROUTES) {
      expect(throttles.throttleOf(route.routeKey)).toEqual(THROTTLE_CLASSES[route.throttle]);
    }
    expect(warnings).toEqual([]);
  });

  it('needs its certificate in us-east-1, and both settings together', () => {
    const configOfEnv = (env: NodeJS.ProcessEnv) => () => loadConfig(() => undefined, env);
    expect(configOfEnv({ REELHIRE_DOMAIN_NAME: 'reelhire.example.com' })).toThrow(/go together/);
    expect(
      configOfEnv({
        REELHIRE_DOMAIN_NAME: 'reelhire.example.com',
        REELHIRE_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b',
      }),
    ).toThrow(/us-east-1/);
    expect(
      configOfEnv({ REELHIRE_VIEWER_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json' })()
        .customDomain,
    ).toBeUndefined();
  });
});
