import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { apiKeyOf } from '#employers/employer.ts';
import { EVENTS, type EventName } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { viewerToken } from '../cli/token.ts';
import type { SystemUnderTest } from './system-under-test.ts';

/** An answer of the HTTP API: its status and its JSON body (or text). */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

const sampleDetail = (name: EventName): object => sampleOf(EVENTS[name]).detail as object;

/** Statuses a client retries: ReelHire's 503 and API Gateway's own 5xx/429. */
const RETRIED = new Set([429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_SECONDS = 5;

/**
 * The outside world of the applications, against a running local stack: Contra's profile and job events on
 * the bus, viewers applying and withdrawing with their JWT, employers using their API with their key. Requests
 * are retried the way a client retries (5xx, 429), so a fault inside ReelHire may make a request run twice.
 */
export class ApplicationsClient {
  constructor(private readonly system: SystemUnderTest) {}

  /** The employer's key of generation 0 (before any rotation). */
  employerKey(employerId: string): string {
    return apiKeyOf(this.system.secrets.EMPLOYER_SIGNING_KEY, employerId, 0);
  }

  async publish(name: EventName, detail: object): Promise<void> {
    const { FailedEntryCount } = await this.system.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.system.busName,
            Source: 'reelhire.contra',
            DetailType: EVENTS[name].detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if (FailedEntryCount) throw new Error(`the bus refused ${name}`);
  }

  /** The sample profile (events/samples/), as `profileId`, linking no account. */
  profile(profileId: string): Promise<void> {
    return this.publish('profileUpdated', {
      ...sampleDetail('profileUpdated'),
      profileId,
      linkedAccounts: [],
    });
  }

  /** The sample job, as `jobId` of `employerId`, notifying `notifyUrl`, promoted by no video. */
  job(jobId: string, employerId: string, notifyUrl: string): Promise<void> {
    return this.publish('jobPublished', {
      ...sampleDetail('jobPublished'),
      jobId,
      employerId,
      notifyUrl,
      videos: [],
    });
  }

  closeJob(jobId: string): Promise<void> {
    return this.publish('jobClosed', { jobId, version: 2, closedAt: new Date().toISOString() });
  }

  async apply(jobId: string, profileId: string): Promise<Answer> {
    return this.request(
      'POST',
      `/jobs/${encodeURIComponent(jobId)}/applications`,
      await this.viewer(profileId),
    );
  }

  async applicant(method: 'GET' | 'POST', path: string, profileId: string): Promise<Answer> {
    return this.request(method, path, await this.viewer(profileId));
  }

  employer(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<Answer> {
    return this.request(method, path, key, body);
  }

  private viewer(profileId: string): Promise<string> {
    return viewerToken(profileId, this.system.secrets.VIEWER_TOKEN_SECRET, 3600);
  }

  private async request(method: string, path: string, bearer: string, body?: unknown): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.system.stack.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      // A 429 that asks for a long wait (the apply limits: up to a day) is an answer, not something to retry;
      // API Gateway's throttling (no Retry-After) and the employer API's second are waited out.
      const retryAfter = Number(response.headers.get('retry-after') ?? 0);
      const longWait = response.status === 429 && retryAfter > MAX_RETRY_AFTER_SECONDS;
      if (!RETRIED.has(response.status) || longWait || attempt >= 20) {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON: kept as text.
        }
        return { status: response.status, body: parsed, headers: response.headers };
      }
      const backoff = Math.min(2000, 50 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.max(backoff, retryAfter * 1000)));
    }
  }
}
