import { sourceOf } from '#events/catalog.ts';
import type { ActivityRecord, BusEventRecord } from '../../local/activity-log.ts';
import type { SystemUnderTest } from '../system-under-test.ts';

export const ATTACK_KINDS = [
  'forged signature',
  'replayed signature',
  'forged WebSub verification',
  'forged WebSub denial',
  'JWT',
  'SSRF',
  'XML entity expansion',
  'prototype pollution',
  'oversized body',
  'deeply nested body',
  'rebound Host',
  'cross-origin browser request',
  'deeply nested PutEvents',
  'odd portfolio url',
  'forged via',
  'long-lived or future JWT',
  'forged employer key',
  'another employer’s key',
  'rotated-away employer key',
  'token of the other kind',
  'application id enumeration',
  'oversized note',
  'bad cursor',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

const INGRESS_SOURCES = new Set((['tiktok', 'youtube', 'contra', 'api'] as const).map(sourceOf));

/** One hostile input and whether the system answered it as it must. */
export interface AttackOutcome {
  readonly kind: AttackKind;
  readonly name: string;
  readonly passed: boolean;
  readonly detail?: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * A series of hostile inputs against a running stack: sends them over HTTP, counts every 5xx answer, watches
 * what reaches the bus meanwhile, and records each attack's verdict.
 */
export class HostileRun {
  readonly outcomes: AttackOutcome[] = [];
  /** Every answer of 500 or more, to any request of the run. */
  serverErrors = 0;
  requests = 0;
  private readonly busEvents: BusEventRecord[] = [];
  private readonly onRecord = (record: ActivityRecord) => {
    if (record.kind === 'bus-event') this.busEvents.push(record);
  };

  constructor(readonly system: SystemUnderTest) {
    system.stack.activity.on('record', this.onRecord);
  }

  get url(): string {
    return this.system.stack.url;
  }

  async send(path: string, init: RequestInit = {}): Promise<Answer> {
    this.system.personal.addBearer(new Headers(init.headers).get('authorization'));
    if (typeof init.body === 'string') this.system.personal.addFromBody(init.body);
    const response = await fetch(`${this.url}${path}`, init);
    this.requests++;
    if (response.status >= 500) this.serverErrors++;
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  /** A position in the stream of bus events, to ask later what was published since. */
  mark(): number {
    return this.busEvents.length;
  }

  /**
   * Events that entered through the front doors (webhooks, the apply API) since the mark; what the handlers
   * derive meanwhile in the background (`reelhire.links`, `reelhire.notify`) is not the request's doing.
   */
  publishedSince(mark: number, detailType?: string): BusEventRecord['event'][] {
    return this.busEvents
      .slice(mark)
      .map((record) => record.event)
      .filter((event) => INGRESS_SOURCES.has(String(event.source)))
      .filter((event) => detailType === undefined || event['detail-type'] === detailType);
  }

  /** Every bus event so far whose detail mentions `text`. */
  publishedMentioning(text: string): BusEventRecord['event'][] {
    return this.busEvents
      .map((record) => record.event)
      .filter((event) => JSON.stringify(event).includes(text));
  }

  record(kind: AttackKind, name: string, passed: boolean, detail?: string): void {
    this.outcomes.push({ kind, name, passed, ...(detail !== undefined ? { detail } : {}) });
  }

  /** Records an attack whose answer must have one of the given statuses and must have published nothing. */
  expectRefused(
    kind: AttackKind,
    name: string,
    answer: Answer,
    statuses: readonly number[],
    publishedMeanwhile: number,
  ): void {
    const passed = statuses.includes(answer.status) && publishedMeanwhile === 0;
    this.record(
      kind,
      name,
      passed,
      passed
        ? undefined
        : `answered ${answer.status}, published ${publishedMeanwhile}: ${answer.body.slice(0, 200)}`,
    );
  }

  dispose(): void {
    this.system.stack.activity.off('record', this.onRecord);
  }
}

/** Seconds since the epoch, now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
