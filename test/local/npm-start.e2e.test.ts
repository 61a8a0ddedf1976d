import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { profileKey } from '#shared/item-keys.ts';
import type { ActivityRecord } from '../../local/activity-log.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { documentsOf, localClientConfig } from '../../local/testing/local-clients.ts';
import {
  freePort,
  isListening,
  type RunningNpmStart,
  runtimeProcessOf,
  startNpmStart,
} from '../support/npm-start.ts';
import type {} from '../support/synth.ts';
import { contraWebhook, tiktokWebhook, viewerToken } from './platform-clients.ts';

/**
 * `npm start` as a user runs it: a child process on ports picked here, driven only through HTTP and the AWS
 * SDK. It runs the assembly the test setup synthesized (REELHIRE_CDK_OUT) when there is one, so the suite pays
 * for one synth; without it, `npm start` synthesizes cdk.out itself.
 */

interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The employer's endpoint: records every notification and answers 200. */
/** How long the runtime is held unresponsive across the Ctrl-C: the fault's length, not a wait for a state. */
const UNRESPONSIVE_MS = 1_000;

const startEmployerEndpoint = async (): Promise<{
  server: Server;
  url: string;
  received: ReceivedNotification[];
}> => {
  const received: ReceivedNotification[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reelhire`, received };
};

describe('npm start, end to end', () => {
  let run: RunningNpmStart;
  let port: number;
  let dynamoPort: number;
  let bus: EventBridgeClient;
  let dynamo: DynamoDBClient;
  let employer: Awaited<ReturnType<typeof startEmployerEndpoint>>;

  /** Whether the stack's table holds the profile: each Profile Updated lands on its own, in any order. */
  const profileStored = async (profileId: string): Promise<true | undefined> => {
    const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
    for (const TableName of TableNames) {
      const { Item } = await documentsOf(dynamo).send(
        new GetCommand({ TableName, Key: profileKey(profileId), ConsistentRead: true }),
      );
      if (Item) return true;
    }
    return undefined;
  };

  const activity = async (): Promise<ActivityRecord[]> =>
    ((await (await fetch(`${run.url}/_local/activity`)).json()) as { records: ActivityRecord[] }).records;

  beforeAll(async () => {
    port = await freePort();
    dynamoPort = await freePort();
    const synthFailure = inject('reelhireCdkOutError');
    if (synthFailure)
      throw new Error(`the shared synth failed, so npm start has nothing to run: ${synthFailure}`);
    const assemblyDir = inject('reelhireCdkOut');
    run = await startNpmStart({
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      ...(assemblyDir ? { REELHIRE_CDK_OUT: assemblyDir } : {}),
    });
    bus = new EventBridgeClient(localClientConfig(run.url));
    dynamo = new DynamoDBClient(localClientConfig(run.dynamoEndpoint));
    employer = await startEmployerEndpoint();
  });
  afterAll(async () => {
    bus?.destroy();
    dynamo?.destroy();
    await run?.stop('SIGINT');
    await new Promise((resolve) => employer?.server.close(resolve));
  });

  it('prints its endpoints, the secrets on development defaults and the ready line, and serves /health', async () => {
    expect(run.url).toBe(`http://127.0.0.1:${port}`);
    expect(run.dynamoEndpoint).toBe(`http://127.0.0.1:${dynamoPort}`);
    const output = run.output();
    expect(output).toContain(`${run.url}/webhooks/tiktok`);
    expect(output).toMatch(/development defaults for .*CONTRA_WEBHOOK_SECRET/);
    // Each default printed as such, so that a client can sign with it (local mode only accepts them).
    for (const [name, value] of Object.entries(DEV_SECRETS)) expect(output).toContain(`${name}=${value}\n`);
    const health = await fetch(`${run.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  /** The sample Video Posted for a new video, put with the SDK on `busName` (no name: the default bus). */
  const putVideoPosted = (videoId: string, busName?: string) => {
    const sample = sampleOf(EVENTS.videoPosted);
    return bus.send(
      new PutEventsCommand({
        Entries: [
          {
            ...(busName === undefined ? {} : { EventBusName: busName }),
            Source: sample.source,
            DetailType: sample['detail-type'],
            Detail: JSON.stringify({ ...(sample.detail as object), videoId }),
          },
        ],
      }),
    );
  };

  it('takes PutEvents from the AWS SDK and routes the event by the synthesized rules to its handler', async () => {
    const result = await putVideoPosted(`e2e-put-${Date.now()}`, 'reelhire-dev');
    expect(result.FailedEntryCount).toBe(0);
    const eventId = result.Entries?.[0]?.EventId;
    const routed = await eventually(async () =>
      (await activity()).find((record) => record.kind === 'bus-event' && record.event.id === eventId),
    );
    expect(routed).toMatchObject({ matchedRules: ['reelhire-dev-VideoEvents'] });
    await eventually(
      async () =>
        (await activity()).find(
          (record) =>
            record.kind === 'invocation' &&
            record.functionName.endsWith('VideoEventsFunction') &&
            record.trigger === 'sqs' &&
            record.outcome === 'succeeded',
        ),
      { what: 'a successful video-events invocation' },
    );
    await expect(
      bus.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })),
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('routes PutEvents that name no bus: the default bus forwards reelhire.* events to the stack’s bus', async () => {
    const result = await putVideoPosted(`e2e-default-${Date.now()}`);
    expect(result.FailedEntryCount).toBe(0);
    const eventId = result.Entries?.[0]?.EventId;
    const forwarded = await eventually(async () => {
      const records = (await activity()).filter(
        (record) => record.kind === 'bus-event' && record.event.id === eventId,
      );
      return records.length === 2 ? records : undefined;
    });
    expect(forwarded).toEqual([
      expect.objectContaining({ bus: 'default', matchedRules: ['reelhire-dev-DefaultBusForward'] }),
      expect.objectContaining({ bus: 'reelhire-dev', matchedRules: ['reelhire-dev-VideoEvents'] }),
    ]);
  });

  it('links a creator’s video to their portfolio, a job’s video to its apply page, and notifies the employer of an application', async () => {
    const suffix = Date.now().toString(36);
    const creator = `prof-creator-${suffix}`;
    const viewer = `prof-viewer-${suffix}`;
    const account = `act.creator-${suffix}`;
    const videoId = `v-${suffix}`;
    const jobId = `job-${suffix}`;
    const employerId = `emp-${suffix}`;
    const now = new Date().toISOString();
    const profile = (profileId: string, linkedAccounts: unknown[]) => ({
      profileId,
      version: 1,
      handle: profileId,
      displayName: `Name of ${profileId}`,
      portfolioUrl: `https://contra.com/${profileId}`,
      showPortfolioLink: true,
      linkedAccounts,
      updatedAt: now,
    });

    expect(
      (
        await contraWebhook(
          run.url,
          'profile.updated',
          profile(creator, [{ platform: 'tiktok', accountId: account }]),
        )
      ).status,
    ).toBe(200);
    expect((await contraWebhook(run.url, 'profile.updated', profile(viewer, []))).status).toBe(200);
    const posted = await tiktokWebhook(run.url, 'post.publish.publicly_available', account, {
      publish_id: `pub-${suffix}`,
      post_id: videoId,
      publish_type: 'DIRECT_PUBLISH',
    });
    expect(posted.status).toBe(200);

    const portfolio = await eventually(
      async () => {
        const response = await fetch(`${run.url}/links/tiktok/${videoId}`);
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      },
      { what: 'the portfolio link' },
    );
    expect(portfolio).toMatchObject({
      portfolio: { profileId: creator, url: `https://contra.com/${creator}` },
      apply: null,
    });

    const job = {
      jobId,
      version: 1,
      employerId,
      title: 'Brand designer for a coffee roaster',
      notifyUrl: employer.url,
      videos: [{ platform: 'tiktok', videoId }],
      publishedAt: now,
    };
    expect((await contraWebhook(run.url, 'job.published', job)).status).toBe(200);
    const withApply = await eventually(
      async () => {
        const links = (await (await fetch(`${run.url}/links/tiktok/${videoId}`)).json()) as {
          apply?: { url: string } | null;
        };
        return links.apply ? links : undefined;
      },
      { what: 'the apply link' },
    );
    expect(withApply.apply).toEqual({ jobId, url: `${run.url}/jobs/${jobId}/apply` });
    const page = await fetch(`${run.url}/jobs/${jobId}/apply`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(job.title);

    // The viewer's profile came in its own delivery: the links above say nothing of it.
    await eventually(() => profileStored(viewer), { what: `the viewer's profile ${viewer} stored` });
    const apply = () =>
      viewerToken(viewer).then((token) =>
        fetch(`${run.url}/jobs/${jobId}/applications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ via: { platform: 'tiktok', videoId } }),
        }),
      );
    const first = await apply();
    expect(first.status).toBe(201);
    const application = (await first.json()) as { applicationId: string };
    expect(application).toMatchObject({ jobId, status: 'submitted' });
    const again = await apply();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(application);

    const notification = await eventually(
      () => employer.received.find((item) => item.headers['webhook-id'] === application.applicationId),
      {
        what: 'the employer notification',
      },
    );
    const verified = new Webhook(employerSecret(DEV_SECRETS.EMPLOYER_SIGNING_KEY, employerId)).verify(
      notification.body,
      {
        'webhook-id': String(notification.headers['webhook-id']),
        'webhook-timestamp': String(notification.headers['webhook-timestamp']),
        'webhook-signature': String(notification.headers['webhook-signature']),
      },
    );
    expect(verified).toMatchObject({
      type: 'application.received',
      data: {
        applicationId: application.applicationId,
        jobId,
        employerId,
        applicant: { profileId: viewer },
        via: { platform: 'tiktok', videoId },
      },
    });
  });

  it('stops cleanly on a Ctrl-C that comes while it is busy: every port released, its own WebSub hub’s too', async () => {
    const hubPort = Number(
      /WebSub hub +http:\/\/127\.0\.0\.1:(\d+)\/subscribe {2}\(local/.exec(run.output())?.[1],
    );
    expect(hubPort).toBeGreaterThan(0);
    expect(await isListening(hubPort)).toBe(true);
    // A Ctrl-C that finds the runtime's event loop busy for a while (a burst, a cold start on a loaded machine)
    // must still stop it gracefully, saving what it keeps. A wrapper that kills a runtime not answering the
    // signal within tens of milliseconds (tsx's CLI does, after 60 ms) loses that: the runtime is held still
    // for a second across the signal, as a busy one would be.
    const runtime = runtimeProcessOf(run);
    process.kill(runtime, 'SIGSTOP');
    const exited = run.stop('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, UNRESPONSIVE_MS));
    const killedMeanwhile = (() => {
      try {
        process.kill(runtime, 'SIGCONT');
        return false;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
        throw error;
      }
    })();
    expect(killedMeanwhile, 'the runtime was killed while it could not answer the Ctrl-C').toBe(false);
    await exited;
    const ending = await eventually(
      () => /Stopped\.|did not stop within.*|stopping failed.*/.exec(run.output())?.[0],
      {
        what: 'the stack to say it stopped',
      },
    );
    // A stop that overruns says why (the watchdog's line names the parts still stopping).
    expect(ending, run.output().slice(-1_500)).toBe('Stopped.');
    await eventually(
      async () => {
        for (const [name, open] of [
          ['API', port],
          ['DynamoDB', dynamoPort],
          ['WebSub hub', hubPort],
        ] as const) {
          if (await isListening(open)) throw new Error(`the ${name} port ${open} still accepts connections`);
        }
        return true;
      },
      // Workers, dynalite and the hub close in turn; on a busy machine that can take a while.
      { what: 'the stack to stop and free its ports' },
    );
  });
});
