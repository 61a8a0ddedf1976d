import { randomUUID } from 'node:crypto';
import type { EmployerEndpoint } from './employer-endpoint.ts';
import { endpointTest } from './notification.ts';
import { notificationHeaders } from './signature.ts';

export interface EndpointTestDependencies {
  readonly endpoint: EmployerEndpoint;
  readonly signingSecrets: (employerId: string) => Promise<readonly string[]>;
  readonly now: () => Date;
}

export interface EndpointTestResult {
  readonly delivered: boolean;
  readonly statusCode?: number;
  readonly error?: string;
  readonly durationMs: number;
}

/**
 * `POST /employer/test` (CONTRACT §6): one signed `endpoint.test` notification to a url, now, once, through the
 * same SSRF guard and signing as every notification; the outcome is the answer, nothing is stored or retried.
 */
export class EndpointTester {
  constructor(private readonly deps: EndpointTestDependencies) {}

  async test(employerId: string, url: string): Promise<EndpointTestResult> {
    const now = this.deps.now();
    const body = JSON.stringify(endpointTest(employerId, now.toISOString()));
    const outcome = await this.deps.endpoint.post({
      url,
      headers: notificationHeaders(
        await this.deps.signingSecrets(employerId),
        `test_${randomUUID()}`,
        now,
        body,
      ),
      body,
    });
    return {
      delivered: outcome.kind === 'delivered',
      ...('status' in outcome && outcome.status !== undefined ? { statusCode: outcome.status } : {}),
      ...(outcome.kind === 'failed' || outcome.kind === 'refused' ? { error: outcome.reason } : {}),
      durationMs: outcome.durationMs,
    };
  }
}
