import type { Origin } from '../apigateway/local-http-api.ts';
import { distributionsOf } from '../cloudfront/distribution-model.ts';
import { localDistribution } from '../cloudfront/local-distribution.ts';
import { LocalWebAcl, webAclsOf } from '../waf/web-acl.ts';
import type { StackParts } from './stack-parts.ts';

export interface FrontDoorInput extends Pick<StackParts, 'resources' | 'clock' | 'warn'> {
  /** The HTTP API. */
  readonly api: Origin;
  /** The API's host (what CloudFront sends as Host to its origin). */
  readonly apiHost: string;
}

/**
 * What answers on the API port: when the template puts a CloudFront distribution in front of the HTTP API,
 * the port is that distribution (the cloud's public url), else the API itself. In AWS's order: the web ACL the
 * distribution names (WAF runs first, cached answers included), then CloudFront's cache, then the API with its
 * throttles, then the function.
 */
export const frontDoor = ({ resources, api, apiHost, clock, warn }: FrontDoorInput): Origin => {
  const [distribution, ...others] = distributionsOf(resources, warn);
  if (distribution === undefined) return api;
  if (others.length > 0) {
    warn(`${others.length + 1} CloudFront distributions: the API port is ${distribution.logicalId}`);
  }
  const edge = localDistribution({ distribution, origin: api, originHost: apiHost, clock });
  if (distribution.webAclArn === undefined) return edge;
  const model = webAclsOf(resources, warn).find((acl) => acl.arn === distribution.webAclArn);
  if (model === undefined) {
    warn(`CloudFront ${distribution.logicalId}: web ACL ${distribution.webAclArn} is not in the template`);
    return edge;
  }
  const webAcl = new LocalWebAcl(model, clock, warn);
  return async (request) => webAcl.inspect(request) ?? edge(request);
};
