import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { type CfnTemplate, readAssembly } from '../../lib/assembly.ts';
import { THROTTLE_CLASSES } from '../../lib/front-door.ts';
import { FUNCTIONS } from '../../lib/functions.ts';
import { VIRAL_REQUEST_SECONDS, VIRAL_ROUTES } from '../../lib/funnel-capacity.ts';
import { logicalIds } from '../../lib/names.ts';
import { HTTP_ROUTES } from '../../lib/routing.ts';
import { freshOutdir, PROD_ENV, removeOutdirs, synthWithoutBundling } from '../support/synth-variants.ts';
import { prop, resourceOf, resourcesOf } from './template.ts';

// A prod stage deployed for a viral video once the account's quotas are raised (docs/deploy.md §9b): the counted
// redirects and the apply page take the configured rate, the functions behind them the concurrency it needs, and
// nothing else moves.

afterAll(removeOutdirs);

const VIRAL = 100_000;

const routeSettingsOf = (template: CfnTemplate): Record<string, unknown> => {
  const [entry, ...others] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
  expect(others).toEqual([]);
  const settings = prop(entry![1], 'RouteSettings');
  if (!isJsonObject(settings)) throw new Error('the stage has no RouteSettings');
  return settings;
};

const reservationOf = (template: CfnTemplate, name: keyof typeof FUNCTIONS): unknown =>
  prop(
    resourceOf(template, logicalIds.function(name), 'AWS::Lambda::Function'),
    'ReservedConcurrentExecutions',
  );

describe('viralTapsPerSecond', () => {
  let planned: CfnTemplate;
  let viral: CfnTemplate;

  beforeAll(() => {
    const plannedOut = freshOutdir();
    synthWithoutBundling(plannedOut, { stage: 'prod' }, PROD_ENV);
    planned = readAssembly(plannedOut, 'prod').templates.stateless;
    const viralOut = freshOutdir();
    synthWithoutBundling(viralOut, { stage: 'prod', viralTapsPerSecond: String(VIRAL) }, PROD_ENV);
    viral = readAssembly(viralOut, 'prod').templates.stateless;
  });

  it('throttles the counted redirects and the apply page at the viral rate instead of the viewer class', () => {
    const before = routeSettingsOf(planned);
    const after = routeSettingsOf(viral);
    for (const routeKey of VIRAL_ROUTES) {
      expect(before[routeKey]).toEqual({
        ThrottlingRateLimit: THROTTLE_CLASSES.viewer.rateLimit,
        ThrottlingBurstLimit: THROTTLE_CLASSES.viewer.burstLimit,
      });
      expect(after[routeKey]).toEqual({ ThrottlingRateLimit: VIRAL, ThrottlingBurstLimit: VIRAL / 2 });
    }
    const others = HTTP_ROUTES.map((route) => route.routeKey).filter((key) => !VIRAL_ROUTES.includes(key));
    expect(others.length).toBeGreaterThan(0);
    for (const routeKey of others) expect(after[routeKey]).toEqual(before[routeKey]);
  });

  it('reserves what the rate needs for the functions behind those routes, and changes no other reservation', () => {
    const viralFunctions = new Set(
      HTTP_ROUTES.filter((route) => VIRAL_ROUTES.includes(route.routeKey)).map((route) => route.function),
    );
    expect([...viralFunctions].sort()).toEqual(['applicationsApi', 'linksApi']);
    for (const name of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
      expect(reservationOf(planned, name)).toBe(FUNCTIONS[name].reservedConcurrency);
      expect(reservationOf(viral, name)).toBe(
        viralFunctions.has(name)
          ? Math.ceil(VIRAL * VIRAL_REQUEST_SECONDS)
          : FUNCTIONS[name].reservedConcurrency,
      );
    }
  });
});
