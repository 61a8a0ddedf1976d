/**
 * Route keys as CloudFront and WAF see paths, written once for the stack, the local runtime and the tests. It
 * imports nothing from aws-cdk-lib: npm start reads it.
 */

export const pathOf = (routeKey: string): string => routeKey.split(' ')[1] ?? '';
export const methodOf = (routeKey: string): string => routeKey.split(' ')[0] ?? '';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/links/{platform}/{videoId}` → `/links/*` + `/*`: a route's paths as a CloudFront path pattern. */
export const pathPatternOf = (routeKey: string): string => pathOf(routeKey).replace(/\{[^}]+\}/g, '*');

/** `/jobs/{jobId}/apply` → `/jobs/[^/]+/apply`: a route's paths as a regular expression (no anchors). */
export const pathExpressionOf = (routeKey: string): string =>
  pathOf(routeKey)
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : escapeRegExp(part)))
    .join('');

/** A path the route serves, with `x` in each parameter. */
export const samplePathOf = (routeKey: string): string => pathOf(routeKey).replace(/\{[^}]+\}/g, 'x');

/**
 * CloudFront's path pattern matching: case-sensitive, `*` any run of characters (slashes included), `?`
 * exactly one; a pattern without its leading slash is read with one.
 */
export const pathPatternMatches = (pattern: string, path: string): boolean => {
  const anchored = pattern.startsWith('/') || pattern === '*' ? pattern : `/${pattern}`;
  const expression = anchored
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char)))
    .join('');
  return new RegExp(`^${expression}$`, 's').test(path);
};
