import { accessDeniedMessage, type Refusal } from './access-denied.ts';
import {
  type ApplicablePolicies,
  type AuthorizationRequest,
  applicablePolicies,
  type ContextValue,
  type Decision,
  evaluate,
  requestContextOf,
} from './evaluation.ts';
import { contextKeysReadBy } from './policy-document.ts';
import type { PolicyModel } from './policy-model.ts';
import { principalKeyOf } from './principal.ts';

export type { AuthorizationRequest, Decision, RequestContext } from './evaluation.ts';

/** A decision with AWS's message for a refusal, for logs and error bodies. */
export type AuthorizationResult =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly refusal: Refusal; readonly reason: string };

/** Policies and the context keys they read, for one principal and one resource. */
interface PolicyScope {
  readonly policies: ApplicablePolicies;
  /** Lower-cased context keys any of the policies reads; a decision depends on no other key. */
  readonly keys: readonly string[];
}

export interface AuthorizerOptions {
  /** Decisions kept before the cache starts over (item-level keys like dynamodb:LeadingKeys can be many). */
  readonly maxCachedDecisions?: number;
  readonly now?: () => Date;
}

const SEPARATOR = '\u0001';

const valueKey = (value: ContextValue | undefined): string =>
  value === undefined ? '\u0000' : typeof value === 'string' ? value : value.join('\u0002');

/**
 * Decides AWS requests as IAM would, from the templates' policies: an explicit Deny in any policy refuses;
 * within the account an identity policy or the resource's policy may allow; a service principal, another
 * account or a KMS key that does not delegate to IAM needs the resource's policy. Decisions are cached by
 * principal, action, resource and the values of the context keys the applicable policies read, so a repeated
 * request costs two map lookups.
 */
export class Authorizer {
  private model: PolicyModel;
  private readonly decisions = new Map<string, AuthorizationResult>();
  private readonly scopes = new Map<string, PolicyScope>();
  private readonly maxCachedDecisions: number;
  private readonly now: () => Date;

  constructor(model: PolicyModel, options: AuthorizerOptions = {}) {
    this.model = model;
    this.maxCachedDecisions = options.maxCachedDecisions ?? 100_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Evaluates from now on with other policies (a grant removed from a template, in-process). */
  reload(model: PolicyModel): void {
    this.model = model;
    this.decisions.clear();
    this.scopes.clear();
  }

  async authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    const principalKey = principalKeyOf(request.principal);
    const scopeKey = `${principalKey}${SEPARATOR}${request.resource}`;
    let scope = this.scopes.get(scopeKey);
    if (!scope) {
      scope = this.scopeOf(request);
      this.scopes.set(scopeKey, scope);
    }
    let context: Record<string, ContextValue> | undefined;
    let cacheKey = `${scopeKey}${SEPARATOR}${request.action}`;
    if (scope.keys.length > 0) {
      context = requestContextOf(request, this.now());
      const lowerCased = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
      for (const key of scope.keys) cacheKey += `${SEPARATOR}${valueKey(lowerCased.get(key))}`;
    }
    const cached = this.decisions.get(cacheKey);
    if (cached) return cached;

    const decision = await evaluate(
      request,
      scope.policies,
      context ?? requestContextOf(request, this.now()),
    );
    const result = this.resultOf(decision, request);
    if (this.decisions.size >= this.maxCachedDecisions) this.decisions.clear();
    this.decisions.set(cacheKey, result);
    return result;
  }

  private scopeOf(request: AuthorizationRequest): PolicyScope {
    const policies = applicablePolicies(this.model, request.principal, request.resource);
    const keys = new Set<string>();
    const documents = [
      ...policies.identity.map((policy) => policy.document),
      ...(policies.boundary ? [policies.boundary.document] : []),
      ...(policies.resource ? [policies.resource] : []),
    ];
    for (const document of documents) for (const key of contextKeysReadBy(document)) keys.add(key);
    return { policies, keys: [...keys].sort() };
  }

  private resultOf(decision: Decision, request: AuthorizationRequest): AuthorizationResult {
    if (decision.allowed) return decision;
    return {
      allowed: false,
      refusal: decision.refusal,
      reason: accessDeniedMessage(decision.refusal, request.action, request.resource),
    };
  }
}
