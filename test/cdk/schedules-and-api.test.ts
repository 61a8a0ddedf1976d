import { describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { logicalIds } from '../../lib/names.ts';
import { HTTP_ROUTES, SCHEDULES } from '../../lib/routing.ts';
import { listOf, prop, resolve, resourceOf, resourcesOf, templates } from './template.ts';

describe.each(SCHEDULES.map((schedule) => [schedule.id, schedule] as const))('schedule %s', (_, schedule) => {
  const { stateless } = templates();
  const rule = resourceOf(stateless, logicalIds.rule(schedule.id), 'AWS::Events::Rule');
  const functionId = logicalIds.function(schedule.function);

  it('runs its function on the default bus with a retry policy and a dead-letter queue', () => {
    expect(prop(rule, 'ScheduleExpression')).toBe(schedule.expression);
    expect(prop(rule, 'EventBusName')).toBeUndefined();
    const [target, ...others] = listOf(prop(rule, 'Targets')).filter(isJsonObject);
    expect(others).toEqual([]);
    expect(resolve(target?.Arn)).toBe(`${functionId}.Arn`);
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(resolve(isJsonObject(target?.DeadLetterConfig) ? target.DeadLetterConfig.Arn : undefined)).toBe(
      `${logicalIds.deadLetterQueue(schedule.id)}.Arn`,
    );
  });

  it('only this rule may invoke the function through EventBridge', () => {
    const permissions = resourcesOf(stateless, 'AWS::Lambda::Permission').filter(
      ([, permission]) =>
        prop(permission, 'Principal') === 'events.amazonaws.com' &&
        resolve(prop(permission, 'FunctionName')) === `${functionId}.Arn`,
    );
    expect(permissions.map(([, permission]) => resolve(prop(permission, 'SourceArn')))).toEqual([
      `${logicalIds.rule(schedule.id)}.Arn`,
    ]);
  });

  it('a run that fails all its Lambda retries lands in the same dead-letter queue', () => {
    const configs = resourcesOf(stateless, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, config]) => resolve(prop(config, 'FunctionName')) === functionId,
    );
    expect(
      configs.map(([, config]) => resolve(prop(config, 'DestinationConfig', 'OnFailure', 'Destination'))),
    ).toEqual([`${logicalIds.deadLetterQueue(schedule.id)}.Arn`]);
  });

  it('says how often and for how long Lambda retries a failed run, instead of its 2 retries over 6 hours', () => {
    const [config] = resourcesOf(stateless, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, candidate]) => resolve(prop(candidate, 'FunctionName')) === functionId,
    );
    expect(prop(config![1], 'MaximumRetryAttempts')).toBe(schedule.retryAttempts);
    expect(prop(config![1], 'MaximumEventAgeInSeconds')).toBe(schedule.maxEventAgeSeconds);
    // A run older than its period is superseded by the next one: never more than an hour here.
    expect(schedule.maxEventAgeSeconds).toBeLessThanOrEqual(3600);
  });
});

describe('HTTP API', () => {
  const { stateless } = templates();
  const [apiEntry, ...otherApis] = resourcesOf(stateless, 'AWS::ApiGatewayV2::Api');
  const apiId = apiEntry![0];

  it('is one HTTP API with a $default stage that logs access and throttles', () => {
    expect(otherApis).toEqual([]);
    expect(prop(apiEntry![1], 'ProtocolType')).toBe('HTTP');
    const [stageEntry, ...otherStages] = resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage');
    expect(otherStages).toEqual([]);
    const stage = stageEntry![1];
    expect(prop(stage, 'StageName')).toBe('$default');
    expect(prop(stage, 'AutoDeploy')).toBe(true);
    // The throttles themselves: test/cdk/throttles.test.ts.
    expect(prop(stage, 'DefaultRouteSettings')).toBeDefined();
    const logGroupId = resolve(prop(stage, 'AccessLogSettings', 'DestinationArn')).replace(/\.Arn$/, '');
    expect(resourceOf(stateless, logGroupId, 'AWS::Logs::LogGroup')).toBeDefined();
    const format = JSON.parse(String(prop(stage, 'AccessLogSettings', 'Format'))) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
  });

  it.each(HTTP_ROUTES.map((route) => [route.routeKey, route.function] as const))(
    '%s → %s as a Lambda proxy (payload 2.0)',
    (routeKey, fn) => {
      const route = resourceOf(stateless, logicalIds.route(routeKey), 'AWS::ApiGatewayV2::Route');
      expect(prop(route, 'RouteKey')).toBe(routeKey);
      expect(resolve(prop(route, 'ApiId'))).toBe(apiId);
      const integrationId = resolve(prop(route, 'Target')).replace(/^integrations\//, '');
      const integration = resourceOf(stateless, integrationId, 'AWS::ApiGatewayV2::Integration');
      expect(prop(integration, 'IntegrationType')).toBe('AWS_PROXY');
      expect(prop(integration, 'PayloadFormatVersion')).toBe('2.0');
      expect(resolve(prop(integration, 'IntegrationUri'))).toBe(`${logicalIds.function(fn)}.Arn`);

      const path = routeKey.split(' ')[1]!;
      const sourceArns = resourcesOf(stateless, 'AWS::Lambda::Permission')
        .filter(
          ([, permission]) =>
            prop(permission, 'Principal') === 'apigateway.amazonaws.com' &&
            resolve(prop(permission, 'FunctionName')) === `${logicalIds.function(fn)}.Arn`,
        )
        .map(([, permission]) => resolve(prop(permission, 'SourceArn')));
      // Scoped to this API and this path (any stage and method: the route itself fixes the method).
      expect(sourceArns).toContain(
        `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${apiId}/*/*${path}`,
      );
    },
  );

  it('no route exists that routing does not define', () => {
    const routeKeys = resourcesOf(stateless, 'AWS::ApiGatewayV2::Route').map(([, route]) =>
      prop(route, 'RouteKey'),
    );
    expect(routeKeys.sort()).toEqual(HTTP_ROUTES.map((route) => route.routeKey).sort());
  });

  it('outputs the public url and each webhook url under it (the front door: test/cdk/front-door.test.ts)', () => {
    const outputs = stateless.Outputs ?? {};
    const [distributionId] = resourcesOf(stateless, 'AWS::CloudFront::Distribution')[0] ?? [];
    const publicUrl = `https://${distributionId}.DomainName`;
    expect(resolve(outputs.ApiUrl?.Value)).toBe(publicUrl);
    const webhookPaths = [...new Set(HTTP_ROUTES.map((route) => route.routeKey.split(' ')[1]!))].filter(
      (path) => path.startsWith('/webhooks/'),
    );
    const webhookOutputs = Object.entries(outputs)
      .filter(([id]) => id.endsWith('WebhookUrl'))
      .map(([, output]) => resolve(output.Value))
      .sort();
    expect(webhookOutputs).toEqual(webhookPaths.map((path) => `${publicUrl}${path}`).sort());
  });
});
