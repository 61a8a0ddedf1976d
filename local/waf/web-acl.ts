import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { blockedByWaf, fromEdge } from '../cloudfront/cloudfront-replies.ts';
import { type EdgeRequest, headerOf } from '../http/edge-request.ts';
import type { HttpReply } from '../http/payload-v2.ts';
import { arrayField, isJsonObject, type JsonObject, numberField, objectField, stringField } from '../json.ts';

/**
 * An AWS WAF web ACL of the template, evaluated on each request before CloudFront looks at its cache (WAF is
 * the distribution's first step, cached answers included): rules in priority order, the first rule whose
 * statement matches and whose action terminates (Allow, Block) decides, else the default action. Statements
 * emulated: rate-based (per IP, forwarded IP or constant, over its evaluation window, counting the requests its
 * scope-down statement takes), byte match and regex match on the method, path, query string or a header, and
 * And/Or/Not. Anything else is reported once and never matches. WAF checks rates every few seconds; locally
 * the count is exact and immediate.
 */

type Action = 'allow' | 'block' | 'count';

interface RuleModel {
  readonly name: string;
  readonly action: Action;
  readonly statement: JsonObject;
  /** A Block action's own answer. */
  readonly customResponse: JsonObject | undefined;
}

export interface WebAclModel {
  readonly arn: string;
  readonly name: string;
  readonly defaultAction: Action;
  readonly rules: readonly RuleModel[];
  readonly customResponseBodies: JsonObject;
}

const actionOf = (action: JsonObject | undefined): Action => {
  if (action?.Block !== undefined) return 'block';
  if (action?.Allow !== undefined) return 'allow';
  return 'count';
};

export const webAclsOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): WebAclModel[] =>
  ofType(resources, 'AWS::WAFv2::WebACL').map((acl) => {
    const name = stringField(acl.properties, 'Name') ?? acl.logicalId;
    const rules = arrayField(acl.properties, 'Rules')
      .filter(isJsonObject)
      .sort((a, b) => (numberField(a, 'Priority') ?? 0) - (numberField(b, 'Priority') ?? 0))
      .map((rule): RuleModel => {
        const ruleName = stringField(rule, 'Name') ?? '?';
        const action = objectField(rule, 'Action');
        if (action?.Captcha !== undefined || action?.Challenge !== undefined) {
          warn(`WAF ${name}/${ruleName}: CAPTCHA and Challenge are not emulated; the rule only counts`);
        }
        if (rule.OverrideAction !== undefined) {
          warn(`WAF ${name}/${ruleName}: rule groups are not emulated; the rule never matches`);
        }
        return {
          name: ruleName,
          action: actionOf(action),
          statement: objectField(rule, 'Statement') ?? {},
          customResponse: objectField(objectField(action ?? {}, 'Block') ?? {}, 'CustomResponse'),
        };
      });
    return {
      arn: acl.identity.attribute('Arn') ?? acl.identity.ref,
      name,
      defaultAction: actionOf(objectField(acl.properties, 'DefaultAction')),
      rules,
      customResponseBodies: objectField(acl.properties, 'CustomResponseBodies') ?? {},
    };
  });

const transform = (value: string, transformations: readonly unknown[]): string =>
  transformations
    .filter(isJsonObject)
    .sort((a, b) => (numberField(a, 'Priority') ?? 0) - (numberField(b, 'Priority') ?? 0))
    .reduce((text, transformation) => {
      switch (stringField(transformation, 'Type')) {
        case 'LOWERCASE':
          return text.toLowerCase();
        case 'URL_DECODE':
          try {
            return decodeURIComponent(text.replace(/\+/g, ' '));
          } catch {
            return text;
          }
        case 'COMPRESS_WHITE_SPACE':
          return text.replace(/\s+/g, ' ');
        default:
          return text;
      }
    }, value);

/** The part of the request a statement inspects. */
const fieldOf = (request: EdgeRequest, field: JsonObject | undefined): string | undefined => {
  if (field === undefined) return undefined;
  if (field.UriPath !== undefined) return request.path;
  if (field.Method !== undefined) return request.method;
  if (field.QueryString !== undefined) return request.query;
  const header = objectField(field, 'SingleHeader');
  if (header !== undefined) return headerOf(request, stringField(header, 'Name') ?? '') ?? '';
  if (field.Body !== undefined) return request.body.toString('utf8');
  return undefined;
};

const byteMatches = (value: string, search: string, constraint: string | undefined): boolean => {
  switch (constraint) {
    case 'EXACTLY':
      return value === search;
    case 'STARTS_WITH':
      return value.startsWith(search);
    case 'ENDS_WITH':
      return value.endsWith(search);
    case 'CONTAINS_WORD':
      return new RegExp(
        `(^|[^A-Za-z0-9_])${search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`,
      ).test(value);
    default:
      return value.includes(search);
  }
};

/** Requests counted per aggregation key by one rate-based rule: only the newest limit + 1 matter. */
class RateCounter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a request; true when this key is over the limit within the window. */
  count(key: string, now: number): boolean {
    const times = (this.recent.get(key) ?? []).filter((time) => time > now - this.windowMs);
    times.push(now);
    if (times.length > this.limit + 1) times.splice(0, times.length - (this.limit + 1));
    this.recent.set(key, times);
    return times.length > this.limit;
  }
}

/** One web ACL with its rate counters. inspect() answers a blocked request, or undefined to let it through. */
export class LocalWebAcl {
  private readonly counters = new Map<JsonObject, RateCounter>();
  private readonly reported = new Set<string>();

  constructor(
    readonly model: WebAclModel,
    private readonly clock: () => number,
    private readonly warn: (message: string) => void,
  ) {}

  inspect(request: EdgeRequest): HttpReply | undefined {
    for (const rule of this.model.rules) {
      if (!this.matches(rule.statement, request)) continue;
      if (rule.action === 'block') return this.blocked(rule.customResponse);
      if (rule.action === 'allow') return undefined;
    }
    return this.model.defaultAction === 'block' ? blockedByWaf() : undefined;
  }

  private matches(statement: JsonObject, request: EdgeRequest): boolean {
    const and = objectField(statement, 'AndStatement');
    if (and)
      return arrayField(and, 'Statements')
        .filter(isJsonObject)
        .every((inner) => this.matches(inner, request));
    const or = objectField(statement, 'OrStatement');
    if (or)
      return arrayField(or, 'Statements')
        .filter(isJsonObject)
        .some((inner) => this.matches(inner, request));
    const not = objectField(statement, 'NotStatement');
    if (not) return !this.matches(objectField(not, 'Statement') ?? {}, request);
    const byteMatch = objectField(statement, 'ByteMatchStatement');
    if (byteMatch) {
      const value = fieldOf(request, objectField(byteMatch, 'FieldToMatch'));
      const transformations = arrayField(byteMatch, 'TextTransformations');
      return (
        value !== undefined &&
        byteMatches(
          transform(value, transformations),
          stringField(byteMatch, 'SearchString') ?? '',
          stringField(byteMatch, 'PositionalConstraint'),
        )
      );
    }
    const regexMatch = objectField(statement, 'RegexMatchStatement');
    if (regexMatch) {
      const value = fieldOf(request, objectField(regexMatch, 'FieldToMatch'));
      return (
        value !== undefined &&
        new RegExp(stringField(regexMatch, 'RegexString') ?? '').test(
          transform(value, arrayField(regexMatch, 'TextTransformations')),
        )
      );
    }
    const rateBased = objectField(statement, 'RateBasedStatement');
    if (rateBased) return this.overRate(rateBased, request);
    this.report(
      `WAF ${this.model.name}: ${Object.keys(statement).join(', ')} is not emulated and never matches`,
    );
    return false;
  }

  private overRate(rateBased: JsonObject, request: EdgeRequest): boolean {
    const scopeDown = objectField(rateBased, 'ScopeDownStatement');
    if (scopeDown !== undefined && !this.matches(scopeDown, request)) return false;
    let counter = this.counters.get(rateBased);
    if (counter === undefined) {
      counter = new RateCounter(
        numberField(rateBased, 'Limit') ?? Number.POSITIVE_INFINITY,
        (numberField(rateBased, 'EvaluationWindowSec') ?? 300) * 1000,
      );
      this.counters.set(rateBased, counter);
    }
    return counter.count(this.aggregationKeyOf(rateBased, request), this.clock());
  }

  private aggregationKeyOf(rateBased: JsonObject, request: EdgeRequest): string {
    switch (stringField(rateBased, 'AggregateKeyType') ?? 'IP') {
      case 'CONSTANT':
        return '';
      case 'FORWARDED_IP': {
        const headerName = stringField(objectField(rateBased, 'ForwardedIPConfig') ?? {}, 'HeaderName');
        return (headerOf(request, headerName ?? 'x-forwarded-for') ?? '').split(',')[0]?.trim() ?? '';
      }
      case 'IP':
        return request.sourceIp;
      default:
        this.report(`WAF ${this.model.name}: custom aggregation keys are counted per IP locally`);
        return request.sourceIp;
    }
  }

  private blocked(customResponse: JsonObject | undefined): HttpReply {
    if (customResponse === undefined) return blockedByWaf();
    const bodyKey = stringField(customResponse, 'CustomResponseBodyKey');
    const body = bodyKey === undefined ? undefined : objectField(this.model.customResponseBodies, bodyKey);
    const headers: Record<string, string> = {};
    for (const header of arrayField(customResponse, 'ResponseHeaders').filter(isJsonObject)) {
      headers[`x-amzn-waf-${String(header.Name).toLowerCase()}`] = String(header.Value);
    }
    const contentType = body ? stringField(body, 'ContentType') : undefined;
    return fromEdge(
      {
        statusCode: numberField(customResponse, 'ResponseCode') ?? 403,
        headers: {
          ...headers,
          ...(contentType === 'APPLICATION_JSON' ? { 'content-type': 'application/json' } : {}),
          ...(contentType === 'TEXT_HTML' ? { 'content-type': 'text/html' } : {}),
          ...(contentType === 'TEXT_PLAIN' ? { 'content-type': 'text/plain' } : {}),
        },
        cookies: [],
        body: Buffer.from(body ? (stringField(body, 'Content') ?? '') : ''),
      },
      'Error',
    );
  }

  private report(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.warn(message);
  }
}
