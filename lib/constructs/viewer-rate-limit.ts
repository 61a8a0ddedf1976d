import { Aws, CfnRule, Fn, Stack } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { methodOf, pathExpressionOf } from '../path-patterns.ts';

export interface ViewerRateLimitProps {
  /** The web ACL's name and its metrics' prefix. */
  readonly name: string;
  /** Route keys of the routes viewers' browsers call: only their requests are counted and blocked. */
  readonly viewerRoutes: readonly string[];
  /** Requests per client IP within the window, after which that IP's further requests are blocked. */
  readonly limit: number;
  /** 60, 120, 300 or 600 (WAF's choices). */
  readonly windowSeconds: number;
}

/** The region where WAF takes web ACLs for CloudFront (scope CLOUDFRONT). */
export const CLOUDFRONT_WAF_REGION = 'us-east-1';

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** Method and path of the routes of one method: `AND(method = M, path ~ ^(p1|p2)$)`. */
const routesOfMethod = (method: string, routeKeys: readonly string[]): CfnWebACL.StatementProperty => ({
  andStatement: {
    statements: [
      {
        byteMatchStatement: {
          fieldToMatch: { method: {} },
          positionalConstraint: 'EXACTLY',
          searchString: method,
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
      {
        regexMatchStatement: {
          fieldToMatch: { uriPath: {} },
          regexString: `^(?:${routeKeys.map(pathExpressionOf).join('|')})$`,
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
    ],
  },
});

/**
 * A WAF web ACL (scope CLOUDFRONT) with one rate-based rule: per client IP, the requests to the viewer-facing
 * routes within the window; over the limit that IP's further requests there are blocked (CloudFront's 403)
 * until its rate falls back. Everything else is allowed by default: the platforms' reads and deliveries come
 * from few addresses and are capped by the API's route throttles instead.
 *
 * WAF takes a CLOUDFRONT web ACL only in us-east-1, and CloudFront references it by ARN, so the stack that
 * holds it must be deployed there: a CloudFormation rule refuses a deploy to any other region with a message
 * (the stacks stay environment-agnostic, so `cdk synth` needs no account or region).
 */
export class ViewerRateLimit extends Construct {
  public readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ViewerRateLimitProps) {
    super(scope, id);
    const methods = [...new Set(props.viewerRoutes.map(methodOf))].sort();
    const byMethod = methods.map((method) =>
      routesOfMethod(
        method,
        props.viewerRoutes.filter((routeKey) => methodOf(routeKey) === method),
      ),
    );
    const scopeDownStatement =
      byMethod.length === 1 ? byMethod[0] : { orStatement: { statements: byMethod } };
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'CLOUDFRONT',
      description: 'ReelHire front door: per-IP rate limit on the viewer-facing routes',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        {
          name: 'ViewerRequestsPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.limit,
              evaluationWindowSec: props.windowSeconds,
              ...(scopeDownStatement !== undefined ? { scopeDownStatement } : {}),
            },
          },
          visibilityConfig: visibility(`${props.name}-viewer-requests-per-ip`),
        },
      ],
    });
    new CfnRule(Stack.of(this), 'FrontDoorRegion', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, CLOUDFRONT_WAF_REGION),
          assertDescription: `ReelHire deploys to ${CLOUDFRONT_WAF_REGION}: WAF takes the CloudFront web ACL only there (docs/deploy.md)`,
        },
      ],
    });
  }
}
