import { describe, expect, it } from 'vitest';
import {
  contractFloor,
  type MeasuredVideoPosted,
  naiveCost,
  reelhireCost,
  TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS,
} from '../../bench/cost-model.ts';
import { apiGatewayHttpPerMillionAt } from '../../bench/prices.ts';

describe('API Gateway HTTP API tiers', () => {
  it('charges $1.00 a million up to 300 million a month', () => {
    expect(apiGatewayHttpPerMillionAt(1)).toBe(1);
    expect(apiGatewayHttpPerMillionAt(300)).toBe(1);
  });

  it('charges $0.90 a million beyond, averaged over the month', () => {
    // 300 × $1.00 + 300 × $0.90 over 600 million.
    expect(apiGatewayHttpPerMillionAt(600)).toBeCloseTo(0.95, 10);
    expect(apiGatewayHttpPerMillionAt(TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS)).toBeCloseTo(
      (300 + 0.9 * (TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS - 300)) / TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS,
      10,
    );
  });
});

describe('cost per million Video Posted', () => {
  const measured: MeasuredVideoPosted = {
    webhookWriteUnits: 1,
    webhookReadUnits: 0.5,
    webhookMs: 0,
    webhookMemoryMb: 512,
    handlerWriteUnits: 1,
    handlerReadUnits: 2,
    handlerMsPerEvent: 0,
    handlerMemoryMb: 512,
    extraBusEvents: 1,
    batchSize: 50,
    monthlyMillions: 100,
  };

  it('adds up every line of the design, with no compute', () => {
    // API 1.00 + Lambda 0.20 + dedupe 0.625 + 0.0625 + bus 2.00 + SQS 0.40 × 1.2 + Lambda 0.20 / 50 + links
    // 0.625 + 2 × 0.125.
    expect(reelhireCost(measured).totalUsd).toBeCloseTo(1 + 0.2 + 0.6875 + 2 + 0.48 + 0.004 + 0.875, 10);
    expect(reelhireCost(measured).behindBusUsd).toBeCloseTo(0.48 + 0.004 + 0.875, 10);
  });

  it('puts the naive design and the contract floor on the same prices', () => {
    // Claim and confirm (2 WCU), one invocation per event, an idempotency record (2 WCU) beside the links.
    expect(naiveCost(measured).totalUsd).toBeCloseTo(1 + 0.2 + 1.25 + 2 + 0.2 + 3 * 0.625 + 0.25, 10);
    expect(contractFloor(measured)).toBeCloseTo(1 + 0.2 + 0.625 + 2 + 0.2 + 0.625, 10);
  });

  it('bills the request at the tier of the month', () => {
    const atScale = { ...measured, monthlyMillions: TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS };
    const saved = 1 - apiGatewayHttpPerMillionAt(TIKTOK_MONTHLY_VIDEO_POSTED_MILLIONS);
    expect(saved).toBeGreaterThan(0.08);
    expect(reelhireCost(atScale).totalUsd).toBeCloseTo(reelhireCost(measured).totalUsd - saved, 10);
    expect(contractFloor(atScale)).toBeCloseTo(contractFloor(measured) - saved, 10);
  });
});
