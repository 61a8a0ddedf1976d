import { describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import {
  DEFAULT_ROUTE_THROTTLE,
  REQUESTED_ACCOUNT_QUOTA,
  THROTTLE_CLASSES,
  type ThrottleClass,
} from '../../lib/front-door.ts';
import { logicalIds } from '../../lib/names.ts';
import { HTTP_ROUTES } from '../../lib/routing.ts';
import { listOf, prop, resolve, resourcesOf, templates } from './template.ts';

const stage = () => {
  const [entry, ...others] = resourcesOf(templates().stateless, 'AWS::ApiGatewayV2::Stage');
  expect(others).toEqual([]);
  return entry![1];
};

const routeSettings = (): Record<string, unknown> => {
  const settings = prop(stage(), 'RouteSettings');
  if (!isJsonObject(settings)) throw new Error('the stage has no RouteSettings');
  return settings;
};

/** What a route can take at most, per second, as the template sets it. */
const rateOf = (routeKey: string): number => {
  const setting = routeSettings()[routeKey];
  if (!isJsonObject(setting) || typeof setting.ThrottlingRateLimit !== 'number') {
    throw new Error(`no throttle for ${routeKey}`);
  }
  return setting.ThrottlingRateLimit;
};

const routesOf = (throttle: ThrottleClass) => HTTP_ROUTES.filter((route) => route.throttle === throttle);

describe('API throttles', () => {
  it('the stage default is the tightest class, for a route without its own setting', () => {
    expect(prop(stage(), 'DefaultRouteSettings')).toEqual({
      ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLE.burstLimit,
    });
    const tightest = Math.min(...Object.values(THROTTLE_CLASSES).map((throttle) => throttle.rateLimit));
    expect(DEFAULT_ROUTE_THROTTLE.rateLimit).toBe(tightest);
  });

  it.each(HTTP_ROUTES.map((route) => [route.routeKey, route.throttle] as const))(
    '%s is throttled as %s',
    (routeKey, throttle) => {
      expect(routeSettings()[routeKey]).toEqual({
        ThrottlingRateLimit: THROTTLE_CLASSES[throttle].rateLimit,
        ThrottlingBurstLimit: THROTTLE_CLASSES[throttle].burstLimit,
      });
    },
  );

  it('sets no throttle for a route the API does not have, and the stage waits for every route', () => {
    expect(Object.keys(routeSettings()).sort()).toEqual(HTTP_ROUTES.map((route) => route.routeKey).sort());
    const dependsOn = listOf(stage().DependsOn).map(String);
    for (const route of HTTP_ROUTES) expect(dependsOn).toContain(logicalIds.route(route.routeKey));
  });

  it('webhooks are throttled at the capacity plan: 10,500 Video Posted/s at peak plus removals', () => {
    for (const route of routesOf('webhooks')) expect(rateOf(route.routeKey)).toBeGreaterThanOrEqual(10_600);
  });

  it('public reads are capped below the webhooks', () => {
    const webhookRate = Math.min(...routesOf('webhooks').map((route) => rateOf(route.routeKey)));
    for (const route of routesOf('publicReads')) expect(rateOf(route.routeKey)).toBeLessThan(webhookRate);
  });

  it('a flood of every public route at its cap leaves the webhooks their planned peak in the quota asked for', () => {
    // Route throttles are caps, not reservations: all routes draw on one regional quota. The webhooks keep
    // their planned rate only if everything else, flooded to its caps, fits beside it.
    const webhookPlan = THROTTLE_CLASSES.webhooks.rateLimit;
    const publicReads = routesOf('publicReads').reduce((sum, route) => sum + rateOf(route.routeKey), 0);
    const everythingElse = HTTP_ROUTES.filter((route) => route.throttle !== 'webhooks').reduce(
      (sum, route) => sum + rateOf(route.routeKey),
      0,
    );
    expect(webhookPlan + publicReads).toBeLessThanOrEqual(REQUESTED_ACCOUNT_QUOTA.rateLimit);
    expect(webhookPlan + everythingElse).toBeLessThanOrEqual(REQUESTED_ACCOUNT_QUOTA.rateLimit);
  });
});

describe('429 alarm', () => {
  const { stateless } = templates();

  it('counts the access log’s 429 answers and alarms to the alarm topic', () => {
    const [filter, ...otherFilters] = resourcesOf(stateless, 'AWS::Logs::MetricFilter');
    expect(otherFilters).toEqual([]);
    const accessLogGroup = resolve(prop(stage(), 'AccessLogSettings', 'DestinationArn')).replace(
      /\.Arn$/,
      '',
    );
    expect(resolve(prop(filter![1], 'LogGroupName'))).toBe(accessLogGroup);
    expect(prop(filter![1], 'FilterPattern')).toBe('{ $.status = "429" }');
    const [transformation] = listOf(prop(filter![1], 'MetricTransformations')).filter(isJsonObject);
    expect(transformation).toMatchObject({ MetricName: 'ApiTooManyRequests', MetricValue: '1' });

    const alarms = resourcesOf(stateless, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => prop(alarm, 'MetricName') === 'ApiTooManyRequests',
    );
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]![1];
    expect(prop(alarm, 'Namespace')).toBe(transformation?.MetricNamespace);
    expect(prop(alarm, 'Statistic')).toBe('Sum');
    expect(prop(alarm, 'Threshold')).toBe(100);
    const [topic] = resourcesOf(stateless, 'AWS::SNS::Topic');
    expect(listOf(prop(alarm, 'AlarmActions')).map(resolve)).toEqual([topic![0]]);
  });
});
