import { randomBytes, randomInt } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { sourceOf } from '#events/catalog.ts';
import { DynamoProfileStore } from '#links/dynamo-profiles.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { MAX_BODY_BYTES } from '#shared/http.ts';
import { signContra } from '#webhooks/contra.ts';
import { signTikTok } from '#webhooks/tiktok.ts';
import { signYouTube } from '#webhooks/youtube.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { tiktokEnvelope, youtubeEntry, youtubeFeed } from '../../local/testing/platform-deliveries.ts';
import { viewerToken } from '../../local/testing/viewer-tokens.ts';
import { namesOf } from '../personal-values.ts';
import { seedApplicantAndJobs } from './fixtures.ts';
import { type Answer, type HostileRun, nowSeconds } from './hostile-run.ts';

/**
 * Hostile bodies, properly signed so that they reach the parsers: XML entity expansion and external entities
 * (YouTube), prototype pollution (every JSON entry point), bodies over 256 KiB and bodies nested far deeper
 * than any platform sends. Nothing may answer 5xx, publish a half-read event, or change what is stored.
 */

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype', 'polluted'];

/** True when a parsed value carries a key that only a pollution attempt would put there. */
const carriesPollution = (value: unknown): boolean => {
  if (Array.isArray(value)) return value.some(carriesPollution);
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some(
    (key) => FORBIDDEN_KEYS.includes(key) || carriesPollution((value as Record<string, unknown>)[key]),
  );
};

export const postSigned = {
  tiktok: (run: HostileRun, body: string) =>
    run.send('/webhooks/tiktok', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'tiktok-signature': signTikTok(run.system.secrets.TIKTOK_CLIENT_SECRET, nowSeconds(), body),
      },
      body,
    }),
  youtube: (run: HostileRun, body: string) =>
    run.send('/webhooks/youtube', {
      method: 'POST',
      headers: {
        'content-type': 'application/atom+xml',
        'x-hub-signature': signYouTube(run.system.secrets.YOUTUBE_HUB_SECRET, body, 'sha256'),
      },
      body,
    }),
  /** An application to `jobId` with the viewer token of `profileId`. */
  application: async (run: HostileRun, jobId: string, profileId: string, body: string) =>
    run.send(`/jobs/${jobId}/applications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await viewerToken(run.system.secrets.VIEWER_TOKEN_SECRET, profileId)}`,
      },
      body,
    }),
  contra: (run: HostileRun, body: string) => {
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const timestamp = nowSeconds();
    return run.send('/webhooks/contra', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signContra(run.system.secrets.CONTRA_WEBHOOK_SECRET, id, timestamp, body),
      },
      body,
    });
  },
};

const xmlAttacks = async (run: HostileRun, sink: EmployerServer): Promise<void> => {
  const laughs = [
    '<!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, level) => {
      const previous = level === 0 ? 'lol' : `lol${level}`;
      return `<!ENTITY lol${level + 1} "${`&${previous};`.repeat(10)}">`;
    }),
  ].join('');
  const entry = (title: string) =>
    youtubeEntry({
      videoId: `xml${randomBytes(4).toString('hex')}`,
      title,
      published: new Date().toISOString(),
    });
  const documents: [string, string][] = [
    ['billion laughs', `<?xml version="1.0"?><!DOCTYPE feed [${laughs}]>${youtubeFeed(entry('&lol9;'))}`],
    [
      'external entity (file:///etc/passwd)',
      `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${youtubeFeed(entry('&xxe;'))}`,
    ],
    [
      'external DTD over HTTP',
      `<?xml version="1.0"?><!DOCTYPE feed SYSTEM "${sink.url('/evil.dtd')}">${youtubeFeed(entry('dtd'))}`,
    ],
    [
      'parameter entity',
      `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % remote SYSTEM "${sink.url('/param.dtd')}"> %remote;]>${youtubeFeed(entry('param'))}`,
    ],
  ];
  for (const [name, document] of documents) {
    const mark = run.mark();
    const started = Date.now();
    const answer = await postSigned.youtube(run, document);
    const published = run.publishedSince(mark).length;
    // An expansion would end in the function's timeout or crash, not a 400; the time is reported, not judged,
    // since on a busy machine it says nothing about the parser.
    const passed =
      answer.status === 400 &&
      published === 0 &&
      !answer.body.includes('root:') &&
      !answer.body.includes('lollollol') &&
      sink.received.length === 0;
    run.record(
      'XML entity expansion',
      `YouTube: ${name}`,
      passed,
      `${answer.status} in ${Date.now() - started} ms, published ${published}, sink hit ${sink.received.length}×`,
    );
  }
};

const POLLUTION = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}';

/** A JSON object's text with `__proto__` and `constructor.prototype` keys first, as an attacker writes them. */
const withPollution = (objectJson: string): string =>
  objectJson === '{}' ? `{${POLLUTION}}` : objectJson.replace(/^\{/, `{${POLLUTION},`);

const prototypePollution = async (run: HostileRun, jobId: string, profileId: string): Promise<void> => {
  const profileDetail = (id: string) =>
    withPollution(
      JSON.stringify({
        profileId: id,
        version: 1,
        ...namesOf(id),
        portfolioUrl: `https://contra.com/${id}`,
        showPortfolioLink: true,
        linkedAccounts: [],
        updatedAt: new Date().toISOString(),
      }),
    );
  const contraProfile = `pollution-${randomBytes(4).toString('hex')}`;
  const tiktokBody = withPollution(
    JSON.stringify(
      tiktokEnvelope(
        'post.publish.publicly_available',
        {},
        {
          create_time: nowSeconds(),
          user_openid: 'act.pollution',
          content: withPollution(JSON.stringify({ post_id: String(randomInt(1e9, 9e9)) })),
        },
      ),
    ),
  );
  const attempts: [string, () => Promise<Answer>, readonly number[]][] = [
    [
      'Contra: __proto__ and constructor.prototype in the body and its data',
      () =>
        postSigned.contra(
          run,
          withPollution(`{"type":"profile.updated","data":${profileDetail(contraProfile)}}`),
        ),
      [200],
    ],
    ['TikTok: __proto__ in the envelope and its content', () => postSigned.tiktok(run, tiktokBody), [200]],
    [
      'apply: __proto__ in the application body',
      () => postSigned.application(run, jobId, profileId, withPollution('{}')),
      [201, 422],
    ],
  ];
  for (const [name, send, statuses] of attempts) {
    const mark = run.mark();
    const answer = await send();
    const published = run.publishedSince(mark);
    run.record(
      'prototype pollution',
      name,
      statuses.includes(answer.status) && !published.some((event) => carriesPollution(event.detail)),
      `${answer.status}, published ${JSON.stringify(published.map((event) => event.detail)).slice(0, 300)}`,
    );
  }

  // The same through PutEvents, straight to the handler; then both polluting profiles as stored.
  const busProfile = `pollution-bus-${randomBytes(4).toString('hex')}`;
  const put = await run.system.eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: run.system.busName,
          Source: sourceOf('contra'),
          DetailType: 'Profile Updated',
          Detail: profileDetail(busProfile),
        },
      ],
    }),
  );
  const profiles = new DynamoProfileStore(run.system.documents, run.system.tableName);
  for (const [name, id] of [
    ['PutEvents: __proto__ in a Profile Updated detail, as stored', busProfile],
    ['Contra: the polluting profile, as stored', contraProfile],
  ] as const) {
    const stored = await eventually(async () => (await profiles.read(id))?.record, {
      timeoutMs: 60_000,
      what: `profile ${id} stored`,
    }).catch(() => undefined);
    run.record(
      'prototype pollution',
      name,
      put.FailedEntryCount === 0 && stored !== undefined && !carriesPollution(stored),
      JSON.stringify(stored ?? 'not stored').slice(0, 300),
    );
  }
};

const oversized = async (run: HostileRun, jobId: string): Promise<void> => {
  const tooBig = 'x'.repeat(MAX_BODY_BYTES + 1);
  for (const path of [
    '/webhooks/tiktok',
    '/webhooks/youtube',
    '/webhooks/contra',
    `/jobs/${jobId}/applications`,
  ]) {
    const mark = run.mark();
    const answer = await run.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tooBig,
    });
    run.expectRefused(
      'oversized body',
      `${path}: ${MAX_BODY_BYTES + 1} bytes`,
      answer,
      [413],
      run.publishedSince(mark).length,
    );
  }
  // The limit is exact: at 256 KiB the request goes on to the signature check.
  const atLimit = await run.send('/webhooks/contra', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: 'x'.repeat(MAX_BODY_BYTES),
  });
  run.record(
    'oversized body',
    `/webhooks/contra: exactly ${MAX_BODY_BYTES} bytes is not 413`,
    atLimit.status === 401,
    String(atLimit.status),
  );
};

const deeplyNested = async (run: HostileRun, jobId: string, profileId: string): Promise<void> => {
  const depth = 100_000;
  const nestedJson = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const nestedXml = `${'<a>'.repeat(30_000)}${'</a>'.repeat(30_000)}`;
  const attempts: [string, () => Promise<Answer>, readonly number[]][] = [
    [
      'Contra: data nested 100,000 deep',
      () => postSigned.contra(run, `{"type":"profile.updated","data":${nestedJson}}`),
      [400],
    ],
    [
      'TikTok: content nested 100,000 deep',
      () =>
        postSigned.tiktok(
          run,
          JSON.stringify(
            tiktokEnvelope(
              'post.publish.publicly_available',
              {},
              { create_time: nowSeconds(), user_openid: 'act.nested' },
            ),
          ).replace('"content":"{}"', `"content":"${nestedJson}"`),
        ),
      [400],
    ],
    ['YouTube: elements nested 30,000 deep', () => postSigned.youtube(run, youtubeFeed(nestedXml)), [400]],
    [
      'apply: body nested 100,000 deep',
      () => postSigned.application(run, jobId, profileId, `{"via":${nestedJson}}`),
      // The profile applied already (prototype pollution above): a repeat answers 200 whatever the body.
      [200, 422],
    ],
  ];
  for (const [name, send, statuses] of attempts) {
    const mark = run.mark();
    const answer = await send();
    run.expectRefused('deeply nested body', name, answer, statuses, run.publishedSince(mark).length);
  }
};

export const bodyAttacks = async (run: HostileRun): Promise<void> => {
  const suffix = randomBytes(4).toString('hex');
  const profileId = `body-applicant-${suffix}`;
  const jobId = `body-job-${suffix}`;
  const employer = await EmployerServer.start(
    employerSecret(run.system.secrets.EMPLOYER_SIGNING_KEY, 'employer-body'),
  );
  const sink = await EmployerServer.start('whsec_c2luaw==');
  try {
    await seedApplicantAndJobs(run.system, profileId, [
      { jobId, notifyUrl: employer.url(), employerId: 'employer-body' },
    ]);
    await xmlAttacks(run, sink);
    await prototypePollution(run, jobId, profileId);
    await oversized(run, jobId);
    await deeplyNested(run, jobId, profileId);
  } finally {
    await Promise.all([employer.close(), sink.close()]);
  }
};
