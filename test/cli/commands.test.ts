import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import { logicalIds, stackIdOf } from '../../lib/names.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import type { RunningNpmStart } from '../support/npm-start.ts';
import { activityOf, startStack } from '../support/npm-start-stack.ts';
import { type CliResult, reelhire, startEmployerListener } from '../support/reelhire-cli.ts';

/**
 * Every `reelhire` command against `npm start`, both run as a user runs them; each check looks at what the
 * command did to the stack (links, the bus, the queues, the employer's endpoint), not only at what it printed.
 */

let stack: RunningNpmStart;
let env: NodeJS.ProcessEnv;
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const cli = (...args: string[]): Promise<CliResult> => reelhire(args, { env });

const ok = async (...args: string[]): Promise<CliResult> => {
  const result = await cli(...args);
  expect(result.code, `reelhire ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
};

interface LinksJson {
  readonly portfolio: { readonly profileId: string; readonly url: string } | null;
  readonly apply: { readonly jobId: string; readonly url: string } | null;
}

const linksOf = async (platform: string, videoId: string): Promise<LinksJson> =>
  JSON.parse((await ok('links', platform, videoId, '--wait', '--json')).stdout) as LinksJson;

/** Waits until the video has no active link (polling the API), then checks that `links` says so (exit 1). */
const linksGone = async (platform: string, videoId: string): Promise<void> => {
  await eventually(
    async () =>
      (await fetch(`${stack.url}/links/${platform}/${videoId}`)).status === 404 ? true : undefined,
    { intervalMs: 100, what: `${platform} video ${videoId} to lose its links` },
  );
  const result = await cli('links', platform, videoId);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`reelhire: no active link on ${platform} video ${videoId} (404)\n`);
};

const sampleProfile = parseDetail('profileUpdated', sampleOf(EVENTS.profileUpdated).detail);
const tiktokAccount = sampleProfile.linkedAccounts.find(
  (account) => account.platform === 'tiktok',
)!.accountId;

beforeAll(async () => {
  // A 60-second alarm period lasts half a second, so `alarms` sees a state change within the test.
  stack = await startStack({ REELHIRE_ALARM_TIME_SCALE: '120' });
  env = { REELHIRE_URL: stack.url };
});
afterAll(async () => {
  await stack?.stop('SIGINT');
});

describe('reelhire trigger', () => {
  it('sends signed Contra and TikTok samples that give a video its portfolio link, then removes it', async () => {
    const profileId = unique('prof');
    const videoId = unique('video');
    const profile = await ok(
      'trigger',
      'contra.profile-updated',
      '--profile-id',
      profileId,
      '--version',
      '1',
    );
    expect(profile.stdout).toContain(`POST ${stack.url}/webhooks/contra`);
    expect(profile.stdout).toContain(`"profileId":"${profileId}"`);
    expect(profile.stdout).toMatch(/← 200 \{"status":"accepted"\}/);
    await ok('trigger', 'tiktok.video-posted', '--video-id', videoId);

    expect(await linksOf('tiktok', videoId)).toMatchObject({
      platform: 'tiktok',
      videoId,
      portfolio: { profileId, url: sampleProfile.portfolioUrl },
      apply: null,
    });
    const human = await ok('links', 'tiktok', videoId);
    expect(human.stdout).toMatch(
      new RegExp(`View My Portfolio +${sampleProfile.portfolioUrl} +\\(profile ${profileId}\\)`),
    );
    expect(human.stdout).toMatch(/Apply +none/);

    await ok('trigger', 'tiktok.video-removed', '--video-id', videoId);
    await linksGone('tiktok', videoId);
  });

  it('cuts the portfolio links of a disconnected TikTok account', async () => {
    const profileId = unique('prof');
    const videoId = unique('video');
    await ok('trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1');
    await ok('trigger', 'tiktok.video-posted', '--video-id', videoId, '--account-id', tiktokAccount);
    expect((await linksOf('tiktok', videoId)).portfolio?.profileId).toBe(profileId);

    await ok('trigger', 'tiktok.account-disconnected', '--account-id', tiktokAccount);
    await linksGone('tiktok', videoId);
  });

  it('sends YouTube WebSub notifications signed with the hub secret, and Contra profile deletions', async () => {
    const profileId = unique('prof');
    const [posted, deleted] = [unique('yt'), unique('yt')];
    await ok('trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1');
    const sent = await ok('trigger', 'youtube.video-posted', '--video-id', posted, '--json');
    const report = JSON.parse(sent.stdout) as { request: { headers: Record<string, string>; body: string } };
    expect(report.request.headers['X-Hub-Signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(report.request.body).toContain(`<yt:videoId>${posted}</yt:videoId>`);
    await ok('trigger', 'youtube.video-posted', '--video-id', deleted);
    expect((await linksOf('youtube', posted)).portfolio?.profileId).toBe(profileId);
    expect((await linksOf('youtube', deleted)).portfolio?.profileId).toBe(profileId);

    await ok('trigger', 'youtube.video-removed', '--video-id', posted);
    await linksGone('youtube', posted);
    // Earlier profiles of this file link the sample channel too: the deleted one stops being its owner.
    await ok('trigger', 'contra.profile-deleted', '--profile-id', profileId, '--version', '2');
    await eventually(
      async () => {
        const links = await fetch(`${stack.url}/links/youtube/${deleted}`);
        const body = links.status === 200 ? ((await links.json()) as LinksJson) : undefined;
        return body?.portfolio?.profileId !== profileId ? links.status : undefined;
      },
      { what: `video ${deleted} to lose the portfolio of deleted profile ${profileId}` },
    );
  });

  it('publishes and closes a job whose video gets its Apply link', async () => {
    const jobId = unique('job');
    const videoId = unique('video');
    const published = await ok(
      'trigger',
      'contra.job-published',
      '--job-id',
      jobId,
      '--videos',
      `tiktok:${videoId}`,
      '--notify-url',
      'http://127.0.0.1:9/',
    );
    expect(published.stdout).toContain(`"videos":[{"platform":"tiktok","videoId":"${videoId}"}]`);
    await ok('trigger', 'tiktok.video-posted', '--video-id', videoId, '--account-id', unique('act'));
    expect((await linksOf('tiktok', videoId)).apply).toEqual({
      jobId,
      url: `${stack.url}/jobs/${jobId}/apply`,
    });

    await ok('trigger', 'contra.job-closed', '--job-id', jobId, '--version', '2');
    await linksGone('tiktok', videoId);
  });

  it('exits 1 with the status when the stack refuses the webhook (another secret), and 2 on a misplaced flag', async () => {
    const refused = await reelhire(['trigger', 'contra.job-closed'], {
      env: {
        ...env,
        CONTRA_WEBHOOK_SECRET: `whsec_${Buffer.from('not the stack secret').toString('base64')}`,
      },
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/← 401/);
    expect(refused.stderr).toMatch(/^reelhire: the stack answered 401 to contra\.job-closed\n$/);

    const dropped = await reelhire(['trigger', 'youtube.video-removed'], {
      env: { ...env, YOUTUBE_HUB_SECRET: 'not the hub secret' },
    });
    expect(dropped.code).toBe(1);
    expect(dropped.stderr).toContain('did not verify');

    const misplaced = await cli('trigger', 'tiktok.video-posted', '--job-id', 'x');
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toBe(
      'reelhire: --job-id does not apply to tiktok.video-posted (it takes --video-id, --account-id)\n',
    );
  });
});

describe('reelhire token and employer listen: a viewer applies and the employer is notified', () => {
  it('verifies and prints the signed application.received; refuses a forged one with 401', async () => {
    const listener = await startEmployerListener(['--employer-id', 'emp_northwind'], env);
    try {
      const jobId = unique('job');
      const videoId = unique('video');
      const profileId = unique('prof');
      await ok('trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1');
      await ok(
        'trigger',
        'contra.job-published',
        '--job-id',
        jobId,
        '--videos',
        `tiktok:${videoId}`,
        '--notify-url',
        listener.url,
      );
      await ok('trigger', 'tiktok.video-posted', '--video-id', videoId, '--account-id', unique('act'));
      await linksOf('tiktok', videoId);

      const token = (await ok('token', profileId)).stdout.trim();
      const applied = await fetch(`${stack.url}/jobs/${jobId}/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ via: { platform: 'tiktok', videoId } }),
      });
      expect(applied.status).toBe(201);
      const { applicationId } = (await applied.json()) as { applicationId: string };

      await listener.waitFor(
        new RegExp(
          `application\\.received  ${applicationId}  \\(webhook-id ${applicationId}, signature verified\\)`,
        ),
      );
      expect(listener.output()).toContain(
        `applicant  ${profileId}  ${sampleProfile.displayName} (@${sampleProfile.handle})`,
      );
      expect(listener.output()).toContain(`via        tiktok video ${videoId}`);

      const forged = await fetch(listener.url, {
        method: 'POST',
        headers: {
          'webhook-id': 'msg_forged',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
        },
        body: '{"type":"application.received","data":{}}',
      });
      expect(forged.status).toBe(401);
      await listener.waitFor(/refused a request to \/: .*\(401\)/);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });
});

describe('reelhire employer-key, employer-secret and applications', () => {
  const employerApi = async (path: string, key: string, body?: unknown) => {
    const response = await fetch(`${stack.url}${path}`, {
      method: body === undefined && !path.endsWith('/rotate') ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('prints the current key and secret, following rotations', async () => {
    const employerId = unique('emp');
    const first = (await ok('employer-key', employerId)).stdout.trim();
    expect((await employerApi('/employer/applications', first)).status).toBe(200);
    const rotated = await employerApi('/employer/key/rotate', first);
    expect(rotated.status).toBe(200);
    expect((await ok('employer-key', employerId)).stdout).toBe(`${String(rotated.body.key)}\n`);
    expect((await employerApi('/employer/applications', first)).status).toBe(401);

    const key = String(rotated.body.key);
    const secretBefore = (await ok('employer-secret', employerId)).stdout.trim();
    const secret = await employerApi('/employer/secret/rotate', key);
    expect(secret.body.secret).toMatch(/^whsec_/);
    expect(secret.body.secret).not.toBe(secretBefore);
    expect((await ok('employer-secret', employerId)).stdout).toBe(`${String(secret.body.secret)}\n`);
  });

  it("lists a job's applications with their history", async () => {
    const jobId = unique('job');
    const profileId = unique('prof');
    await ok('trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1');
    await ok('trigger', 'contra.job-published', '--job-id', jobId, '--notify-url', 'http://127.0.0.1:9/none');
    await eventually(async () =>
      (await fetch(`${stack.url}/jobs/${jobId}/apply`)).status === 200 ? true : undefined,
    );
    const token = (await ok('token', profileId)).stdout.trim();
    const applied = await fetch(`${stack.url}/jobs/${jobId}/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const { applicationId } = (await applied.json()) as { applicationId: string };
    const employerId = parseDetail('jobPublished', sampleOf(EVENTS.jobPublished).detail).employerId;
    const key = (await ok('employer-key', employerId)).stdout.trim();
    expect(
      (
        await employerApi(`/employer/applications/${applicationId}/status`, key, {
          status: 'reviewing',
          note: 'nice',
        })
      ).status,
    ).toBe(200);
    await fetch(`${stack.url}/applications/${applicationId}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });

    const listed = JSON.parse((await ok('applications', jobId, '--json')).stdout) as {
      applicationId: string;
      status: string;
      history: { status: string; by: string }[];
    }[];
    expect(listed).toEqual([
      expect.objectContaining({
        applicationId,
        status: 'withdrawn',
        history: [
          expect.objectContaining({ status: 'submitted', by: 'applicant' }),
          expect.objectContaining({ status: 'reviewing', by: 'employer', note: 'nice' }),
          expect.objectContaining({ status: 'withdrawn', by: 'applicant' }),
        ],
      }),
    ]);
    const human = (await ok('applications', jobId)).stdout;
    expect(human).toContain(`job ${jobId}: 1 application`);
    expect(human).toMatch(new RegExp(`${applicationId} .* withdrawn`));
    expect(human).toMatch(/reviewing by employer: nice/);
    expect((await ok('applications', unique('job'))).stdout).toMatch(/: 0 applications/);
  });
});

describe('reelhire send', () => {
  it('puts events 10 a call, reports every entry and FailedEntryCount, and exits 1 when an entry failed', async () => {
    const sample = sampleOf(EVENTS.videoPosted);
    const videoIds = Array.from({ length: 11 }, () => unique('sent'));
    const entries = [
      ...videoIds.map((videoId) => ({ ...sample, detail: { ...(sample.detail as object), videoId } })),
      { source: 'aws.refused', 'detail-type': 'Video Posted', detail: {} },
    ];
    const file = join(tmpdir(), `${unique('events')}.json`);
    await writeFile(file, JSON.stringify(entries));

    const result = await cli('send', file, '--json');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('reelhire: 1 of 12 entries failed\n');
    const report = JSON.parse(result.stdout) as {
      calls: { entries: number; failedEntryCount: number }[];
      entries: { index: number; eventId?: string; errorCode?: string }[];
    };
    expect(report.calls).toEqual([
      { entries: 10, failedEntryCount: 0 },
      { entries: 2, failedEntryCount: 1 },
    ]);
    expect(report.entries[11]).toMatchObject({ index: 11, errorCode: 'NotAuthorizedForSourceException' });
    const eventIds = report.entries.slice(0, 11).map((entry) => entry.eventId);
    const routed = await eventually(async () => {
      const records = (await activityOf(stack.url)).records;
      const seen = records.filter(
        (record) =>
          record.kind === 'bus-event' &&
          eventIds.includes(String(record.event.id)) &&
          record.matchedRules.includes('reelhire-dev-VideoEvents'),
      );
      return seen.length === 11 ? seen : undefined;
    });
    expect(routed).toHaveLength(11);

    const one = join(tmpdir(), `${unique('event')}.json`);
    await writeFile(one, JSON.stringify(entries[0]));
    const human = await ok('send', one);
    expect(human.stdout).toMatch(/\[0\] +Video Posted +reelhire\.tiktok +→ event \S+/);
    expect(human.stdout).toContain('1 of 1 put on reelhire-dev in 1 call (FailedEntryCount 0)');
  });

  it('refuses a file that is not events with exit code 2, before sending anything', async () => {
    const file = join(tmpdir(), `${unique('bad')}.json`);
    await writeFile(file, JSON.stringify([{ source: 'reelhire.api', detail: {} }]));
    const result = await cli('send', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^reelhire: .*\[0\]: detail-type: .+\n$/);
    expect(result.stdout).toBe('');
  });
});

describe('reelhire dlq', () => {
  const deadLetterQueueName = `${stackIdOf('dev', 'stateful')}-${logicalIds.deadLetterQueue('VideoEvents')}`;
  const sourceQueueName = `${stackIdOf('dev', 'stateless')}-${logicalIds.queue('VideoEvents')}`;

  interface ListedQueue {
    readonly route: string;
    readonly name: string;
    readonly messages: { messageId: string; reason?: string; body: string }[];
  }
  const listed = async (): Promise<ListedQueue> => {
    const [queue] = JSON.parse(
      (await ok('dlq', 'list', '--queue', 'VideoEvents', '--json')).stdout,
    ) as ListedQueue[];
    return queue!;
  };

  it('lists a dead-lettered event with its reason, and redrives messages back to their queue, poison ones once', async () => {
    await ok('trigger', 'contra.profile-updated', '--profile-id', unique('prof'), '--version', '1');
    const poisonVideo = unique('poison');
    const file = join(tmpdir(), `${unique('poison')}.json`);
    await writeFile(
      file,
      JSON.stringify({
        source: 'reelhire.api',
        'detail-type': 'Video Posted',
        detail: { platform: 'tiktok', videoId: poisonVideo },
      }),
    );
    await ok('send', file);
    const poisoned = await eventually(async () =>
      (await listed()).messages.find((message) => message.body.includes(poisonVideo)),
    );
    expect(poisoned.reason).toMatch(/detail\.accountId/);
    const human = await ok('dlq', 'list');
    expect(human.stdout).toMatch(new RegExp(`VideoEvents +\\d+ messages? +${deadLetterQueueName}`));
    expect(human.stdout).toContain(`reason: ${poisoned.reason}`);
    expect((await listed()).messages.some((message) => message.messageId === poisoned.messageId)).toBe(true);

    // Messages a handler gave up on after retries, as it dead-letters them: the event, its reason, its queue.
    const sqs = new SQSClient(localClientConfig(stack.url));
    const recovered = Array.from({ length: 23 }, () => unique('recovered'));
    try {
      const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: deadLetterQueueName }))).QueueUrl!;
      const sourceUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: sourceQueueName }))).QueueUrl!;
      const sourceArn = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['QueueArn'] }))
      ).Attributes!.QueueArn!;
      const sample = sampleOf(EVENTS.videoPosted);
      for (let start = 0; start < recovered.length; start += 10) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: recovered.slice(start, start + 10).map((videoId, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify({
                version: '0',
                id: randomUUID(),
                source: sample.source,
                'detail-type': sample['detail-type'],
                time: new Date().toISOString(),
                detail: { ...(sample.detail as object), videoId, accountId: tiktokAccount },
              }),
              MessageAttributes: {
                reason: { DataType: 'String', StringValue: 'gave up after 5 attempts: throttled' },
                sourceQueueArn: { DataType: 'String', StringValue: sourceArn },
              },
            })),
          }),
        );
      }
    } finally {
      sqs.destroy();
    }
    const before = await listed();
    expect(before.messages.length).toBeGreaterThanOrEqual(24);

    const redriven = await ok('dlq', 'redrive', '--queue', 'VideoEvents');
    expect(redriven.stdout).toMatch(
      new RegExp(`^VideoEvents: ${before.messages.length} messages moved back to ${sourceQueueName}\\n$`),
    );
    // Progress while it works: more than one step for 24 messages and more.
    expect(redriven.stderr.match(/VideoEvents: \d+ messages? moved …/g)?.length).toBeGreaterThan(1);

    // The recovered events were processed from their queue: each video now has its portfolio link …
    await eventually(
      async () => {
        const statuses = await Promise.all(
          recovered.map(async (videoId) => (await fetch(`${stack.url}/links/tiktok/${videoId}`)).status),
        );
        return statuses.every((status) => status === 200) ? statuses : undefined;
      },
      { what: 'the redriven videos to get their links' },
    );
    // … and left the DLQ, while the poison event came back once, with its reason, and was not redriven again.
    const after = await eventually(async () => {
      const queue = await listed();
      const poison = queue.messages.filter((message) => message.body.includes(poisonVideo));
      return poison.length === 1 ? queue : undefined;
    });
    expect(
      after.messages.some((message) => recovered.some((videoId) => message.body.includes(videoId))),
    ).toBe(false);
    expect(after.messages.find((message) => message.body.includes(poisonVideo))?.messageId).not.toBe(
      poisoned.messageId,
    );
  });

  it('says which queues exist when --queue names none (exit 2)', async () => {
    const result = await cli('dlq', 'list', '--queue', 'NoSuchRoute');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^reelhire: no dead-letter queue NoSuchRoute \(known: VideoEvents, ContraEvents, .*\)\n$/,
    );
  });
});

describe('reelhire alarms', () => {
  interface AlarmJson {
    readonly name: string;
    readonly state: string;
    readonly notification: string;
  }
  const alarmName = 'reelhire-dev-WebSubRenewalSchedule-dlq-depth';

  it('shows each alarm with its state and whether the alarm topic took its notification', async () => {
    const alarms = JSON.parse((await ok('alarms', '--json')).stdout) as AlarmJson[];
    expect(alarms.length).toBeGreaterThan(20);
    for (const alarm of alarms) {
      expect(Object.keys(alarm)).toEqual(['name', 'state', 'notification']);
      expect(['OK', 'ALARM', 'INSUFFICIENT_DATA']).toContain(alarm.state);
      expect(['none', 'delivered', 'refused']).toContain(alarm.notification);
    }
    // A message in a dead-letter queue: its alarm goes to ALARM within a period and notifies the topic.
    const sqs = new SQSClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({
          QueueName: `${stackIdOf('dev', 'stateful')}-${logicalIds.deadLetterQueue('WebSubRenewalSchedule')}`,
        }),
      );
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: '{}' }] }));
    } finally {
      sqs.destroy();
    }
    const alarmed = await eventually(
      async () =>
        (JSON.parse((await ok('alarms', '--json')).stdout) as AlarmJson[]).find(
          (alarm) => alarm.name === alarmName && alarm.state === 'ALARM',
        ),
      { timeoutMs: 30_000, what: `${alarmName} in ALARM` },
    );
    expect(alarmed.notification).toBe('delivered');
    const human = await ok('alarms');
    expect(human.stdout.split('\n')[0]).toMatch(/^ALARM +STATE +NOTIFICATION +WHY$/);
    expect(human.stdout).toMatch(new RegExp(`${alarmName} +ALARM +delivered +Threshold Crossed`));
    // npm start printed the change and the notification (an e-mail subscription would be printed, not sent).
    expect(stack.output()).toContain(`[alarms] ${alarmName}: OK → ALARM`);
    expect(stack.output()).toMatch(
      /\[sns\] \S+ → no subscription: ALARM: "reelhire-dev-WebSubRenewalSchedule-dlq-depth"/,
    );
  });
});

/**
 * `--region` takes the AWS SDK's usual configuration instead of `--url`: credentials from the chain, and the
 * endpoint AWS_ENDPOINT_URL names when set (the SDK's own setting, here pointed at `npm start`, which speaks
 * the EventBridge and SQS APIs). No AWS account is reachable from here; this runs the same code path.
 */
describe('reelhire with --region (a deployed stack, through the SDK’s own configuration)', () => {
  const deployed = (): NodeJS.ProcessEnv => ({
    REELHIRE_URL: 'http://127.0.0.1:9', // nothing listens there: --region must not use it
    AWS_ENDPOINT_URL: stack.url,
    AWS_ACCESS_KEY_ID: 'from-the-credentials-chain',
    AWS_SECRET_ACCESS_KEY: 'from-the-credentials-chain',
  });

  it('send puts the events on the bus and dlq list reads the dead-letter queues', async () => {
    const videoId = unique('region');
    const sample = sampleOf(EVENTS.videoPosted);
    const file = join(tmpdir(), `${unique('region')}.json`);
    await writeFile(file, JSON.stringify({ ...sample, detail: { ...(sample.detail as object), videoId } }));

    const sent = await reelhire(['send', file, '--region', 'us-east-1', '--json'], { env: deployed() });
    expect(sent.code, sent.stderr).toBe(0);
    const [entry] = (JSON.parse(sent.stdout) as { entries: { eventId?: string }[] }).entries;
    expect(entry?.eventId).toBeTruthy();
    await eventually(async () =>
      (await activityOf(stack.url)).records.some(
        (record) => record.kind === 'bus-event' && String(record.event.id) === entry?.eventId,
      )
        ? true
        : undefined,
    );

    const listed = await reelhire(['dlq', 'list', '--region', 'us-east-1', '--json'], { env: deployed() });
    expect(listed.code, listed.stderr).toBe(0);
    const routes = (JSON.parse(listed.stdout) as { route: string }[]).map((queue) => queue.route);
    expect(routes).toEqual(
      expect.arrayContaining(['VideoEvents', 'ContraEvents', 'ApplicationNotifications']),
    );

    // Without --region the unreachable --url is used, which proves the two paths apart.
    const local = await reelhire(['dlq', 'list'], { env: deployed() });
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/127\.0\.0\.1:9/);
  });
});

describe('reelhire finds `npm start` through PORT, the variable npm start reads', () => {
  it('uses 127.0.0.1:$PORT when neither --url nor REELHIRE_URL is given', async () => {
    const port = new URL(stack.url).port;
    const result = await reelhire(['dlq', 'list', '--json'], { env: { PORT: port } });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { route: string }[]).map((queue) => queue.route)).toContain(
      'VideoEvents',
    );
    // REELHIRE_URL still wins over PORT.
    const pointed = await reelhire(['dlq', 'list'], {
      env: { PORT: port, REELHIRE_URL: 'http://127.0.0.1:9' },
    });
    expect(pointed.code).toBe(1);
    expect(pointed.stderr).toMatch(/127\.0\.0\.1:9\b/);
  });
});
