import { describe, expect, it } from 'vitest';
import type { ResolvedResource } from '../../local/cloudformation/intrinsics.ts';
import type { EdgeRequest } from '../../local/http/edge-request.ts';
import { LocalWebAcl, webAclsOf } from '../../local/waf/web-acl.ts';

const webAclResource = (properties: Record<string, unknown>): ResolvedResource => ({
  stackName: 'S',
  logicalId: 'Acl',
  type: 'AWS::WAFv2::WebACL',
  properties: { Name: 'acl', Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} }, ...properties },
  metadata: {},
  assemblyDir: '.',
  identity: { ref: 'acl', attribute: (name) => (name === 'Arn' ? 'arn:acl' : undefined) },
});

const aclOf = (properties: Record<string, unknown>, clock = () => 0, warnings: string[] = []) => {
  const [model] = webAclsOf([webAclResource(properties)], (message) => warnings.push(message));
  return new LocalWebAcl(model!, clock, (message) => warnings.push(message));
};

const requestOf = (method: string, path: string, headers: Record<string, string> = {}): EdgeRequest => ({
  method,
  path,
  query: '',
  headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
  body: Buffer.alloc(0),
  sourceIp: '198.51.100.7',
  httpVersion: '1.1',
  port: 443,
});

const byteMatch = (
  field: Record<string, unknown>,
  constraint: string,
  search: string,
  transform = 'NONE',
) => ({
  ByteMatchStatement: {
    FieldToMatch: field,
    PositionalConstraint: constraint,
    SearchString: search,
    TextTransformations: [{ Priority: 0, Type: transform }],
  },
});

const blockRule = (statement: unknown, priority = 0, action: unknown = { Block: {} }) => ({
  Name: `rule${priority}`,
  Priority: priority,
  Action: action,
  Statement: statement,
  VisibilityConfig: {},
});

describe('a WAF web ACL from the template, evaluated locally', () => {
  it('matches bytes where the positional constraint says, after the text transformations', () => {
    const acl = aclOf({
      Rules: [
        blockRule({
          OrStatement: {
            Statements: [
              byteMatch({ UriPath: {} }, 'STARTS_WITH', '/admin'),
              byteMatch({ SingleHeader: { Name: 'User-Agent' } }, 'CONTAINS', 'badbot', 'LOWERCASE'),
              byteMatch({ UriPath: {} }, 'CONTAINS_WORD', 'etc', 'URL_DECODE'),
            ],
          },
        }),
      ],
    });
    expect(acl.inspect(requestOf('GET', '/admin/x'))?.statusCode).toBe(403);
    expect(acl.inspect(requestOf('GET', '/x/admin'))).toBeUndefined();
    expect(acl.inspect(requestOf('GET', '/', { 'user-agent': 'A BadBot/1' }))?.statusCode).toBe(403);
    expect(acl.inspect(requestOf('GET', '/a/%65tc/b'))?.statusCode).toBe(403);
    expect(acl.inspect(requestOf('GET', '/a/etcetera'))).toBeUndefined();
  });

  it('evaluates rules by priority: an Allow ends it, a Count goes on, the default action decides the rest', () => {
    const acl = aclOf({
      DefaultAction: { Block: {} },
      Rules: [
        blockRule(byteMatch({ Method: {} }, 'EXACTLY', 'POST'), 2),
        blockRule({ NotStatement: { Statement: byteMatch({ UriPath: {} }, 'EXACTLY', '/open') } }, 1, {
          Count: {},
        }),
        blockRule(byteMatch({ UriPath: {} }, 'ENDS_WITH', '/open'), 0, { Allow: {} }),
      ],
    });
    expect(acl.inspect(requestOf('POST', '/open'))).toBeUndefined();
    expect(acl.inspect(requestOf('GET', '/closed'))?.statusCode).toBe(403);
  });

  it('answers a Block with its custom response when it has one', () => {
    const acl = aclOf({
      CustomResponseBodies: { slow: { ContentType: 'APPLICATION_JSON', Content: '{"message":"slow down"}' } },
      Rules: [
        blockRule(byteMatch({ UriPath: {} }, 'EXACTLY', '/x'), 0, {
          Block: {
            CustomResponse: {
              ResponseCode: 429,
              CustomResponseBodyKey: 'slow',
              ResponseHeaders: [{ Name: 'Retry', Value: '60' }],
            },
          },
        }),
      ],
    });
    const reply = acl.inspect(requestOf('GET', '/x'));
    expect(reply?.statusCode).toBe(429);
    expect(reply?.headers).toMatchObject({ 'content-type': 'application/json', 'x-amzn-waf-retry': '60' });
    expect(reply?.body.toString()).toBe('{"message":"slow down"}');
  });

  it('rate-limits per IP over a sliding window, counting only what its scope-down statement takes', () => {
    let now = 0;
    const acl = aclOf(
      {
        Rules: [
          blockRule({
            RateBasedStatement: {
              Limit: 10,
              EvaluationWindowSec: 60,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                RegexMatchStatement: {
                  FieldToMatch: { UriPath: {} },
                  RegexString: '^/jobs/[^/]+/apply$',
                  TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                },
              },
            },
          }),
        ],
      },
      () => now,
    );
    const apply = requestOf('GET', '/jobs/j1/apply');
    for (let count = 0; count < 10; count++) expect(acl.inspect(apply)).toBeUndefined();
    expect(acl.inspect(apply)?.statusCode).toBe(403);
    expect(acl.inspect(requestOf('GET', '/links/tiktok/1'))).toBeUndefined();
    expect(acl.inspect({ ...apply, sourceIp: '198.51.100.8' })).toBeUndefined();
    now = 60_001;
    expect(acl.inspect(apply)).toBeUndefined();
  });

  it('reports a statement it does not emulate, once, and never matches it', () => {
    const warnings: string[] = [];
    const acl = aclOf(
      { Rules: [blockRule({ GeoMatchStatement: { CountryCodes: ['XX'] } })] },
      () => 0,
      warnings,
    );
    expect(acl.inspect(requestOf('GET', '/'))).toBeUndefined();
    expect(acl.inspect(requestOf('GET', '/'))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('GeoMatchStatement')]);
  });
});
