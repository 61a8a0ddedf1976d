/** One HTTP API route: its route key and the function its integration invokes. */
export interface HttpRouteBinding {
  readonly routeKey: string;
  readonly functionName: string;
}

export interface RouteMatch {
  readonly route: HttpRouteBinding;
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly route: HttpRouteBinding;
  readonly method: string;
  readonly segments: readonly string[];
  readonly greedy: boolean;
  /** Literal segments count most, then parameters; `$default` and greedy routes lose to any exact one. */
  readonly specificity: number;
}

const compile = (route: HttpRouteBinding): CompiledRoute => {
  if (route.routeKey === '$default') {
    return { route, method: 'ANY', segments: [], greedy: true, specificity: -1 };
  }
  const [method = '', path = ''] = route.routeKey.split(' ');
  const segments = path.split('/').slice(1);
  const greedy = segments.at(-1)?.endsWith('+}') ?? false;
  const literals = segments.filter((segment) => !segment.startsWith('{')).length;
  return {
    route,
    method: method.toUpperCase(),
    segments,
    greedy,
    specificity:
      (greedy ? 0 : 1_000_000) + literals * 1000 + segments.length * 10 + (method === 'ANY' ? 0 : 1),
  };
};

const matchSegments = (
  compiled: CompiledRoute,
  pathSegments: readonly string[],
): Record<string, string> | undefined => {
  if (compiled.route.routeKey === '$default') return {};
  const { segments, greedy } = compiled;
  if (greedy ? pathSegments.length < segments.length : pathSegments.length !== segments.length)
    return undefined;
  const parameters: Record<string, string> = {};
  for (let index = 0; index < segments.length; index++) {
    const pattern = segments[index]!;
    const actual = pathSegments[index]!;
    if (pattern.startsWith('{')) {
      if (pattern.endsWith('+}')) {
        parameters[pattern.slice(1, -2)] = pathSegments.slice(index).map(decodeURIComponent).join('/');
        return parameters;
      }
      if (actual === '') return undefined;
      parameters[pattern.slice(1, -1)] = decodeURIComponent(actual);
    } else if (pattern !== actual) {
      return undefined;
    }
  }
  return parameters;
};

/** API Gateway HTTP API route selection: the most specific matching route wins, `ANY` and `$default` last. */
export const compileRoutes = (routes: readonly HttpRouteBinding[]) => {
  const compiled = routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  return (method: string, rawPath: string): RouteMatch | undefined => {
    const pathSegments = rawPath.split('/').slice(1);
    for (const candidate of compiled) {
      if (candidate.method !== 'ANY' && candidate.method !== method.toUpperCase()) continue;
      try {
        const pathParameters = matchSegments(candidate, pathSegments);
        if (pathParameters) return { route: candidate.route, pathParameters };
      } catch {
        // A malformed percent-encoding matches no route.
      }
    }
    return undefined;
  };
};
