import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import type { FunctionLogRecord } from '../../local/logs/function-logs.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { freePort, type RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';
import { type CliResult, REELHIRE_BIN, reelhire, startCommand } from '../support/reelhire-cli.ts';

/**
 * The inner loop's commands against `npm start`, both run as a user runs them. The functions' logs:
 * `npm start --json-logs` prints them as the functions wrote them, and `reelhire logs` reads them from the
 * running stack, one function or all, once or following new lines. `reelhire invoke`: one function, one event,
 * its result on stdout and its logs on stderr, in the running stack or in an embedded one.
 */

let stack: RunningNpmStart;
let env: NodeJS.ProcessEnv;

const ok = async (...args: string[]): Promise<CliResult> => {
  const result = await reelhire(args, { env });
  expect(result.code, `reelhire ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
};

const jsonLines = (text: string): Record<string, unknown>[] =>
  text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

beforeAll(async () => {
  stack = await startStack({}, ['--json-logs']);
  env = { REELHIRE_URL: stack.url };
  // A profile that links a YouTube channel: the subscriptions function logs the hub request it sent.
  await ok('trigger', 'contra.profile-updated');
});

afterAll(async () => {
  await stack?.stop('SIGINT');
});

describe('the functions’ logs', () => {
  it('npm start --json-logs prints each function line exactly as the function wrote it', async () => {
    const sent = await eventually(
      () =>
        jsonLines(stack.output()).find(
          (line) => line.service === 'youtubeSubscriptions' && line.message === 'hub request sent',
        ),
      { what: 'the hub request line in npm start’s output' },
    );
    expect(sent).toMatchObject({ level: 'INFO', mode: 'subscribe' });
    expect(stack.output()).not.toMatch(/^\[youtubeSubscriptions\]/m);
  });

  it('reelhire logs --function shows that function’s lines only, pretty; a wrong name lists the functions', async () => {
    const { stdout } = await eventually(
      async () => {
        const result = await ok('logs', '--function', 'youtubeSubscriptions');
        return result.stdout.includes('hub request sent') ? result : undefined;
      },
      { what: 'the hub request line in reelhire logs' },
    );
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\[youtubeSubscriptions\] /);
    expect(stdout).toMatch(
      /^\[youtubeSubscriptions\] \d{2}:\d{2}:\d{2}\.\d{3} INFO {2}hub request sent .*mode=subscribe/m,
    );

    const records = jsonLines((await ok('logs', '--function', 'youtubeSubscriptions', '--json')).stdout);
    expect(records.length).toBe(lines.length);
    for (const record of records) {
      expect(record).toMatchObject({ function: 'youtubeSubscriptions', stream: expect.any(String) });
      expect(record.requestId).toEqual(expect.any(String));
    }

    const wrong = await reelhire(['logs', '--function', 'videoEvent'], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /no function "videoEvent" in the running stack; its functions: .*videoEvents/,
    );
  });

  it('reelhire logs --follow prints a line written after it started', async () => {
    const follow = startCommand(
      process.execPath,
      [REELHIRE_BIN, 'logs', '--follow', '--function', 'webhooks', '--json'],
      env,
    );
    try {
      // The contra webhook of beforeAll is there already; no TikTok one yet.
      await follow.waitFor(/ContraWebhookAccepted/);
      expect(follow.output()).not.toContain('TikTokWebhookAccepted');
      await ok('trigger', 'tiktok.video-posted', '--video-id', `follow-${Date.now()}`);
      await follow.waitFor(/TikTokWebhookAccepted/);
      const records = jsonLines(follow.output()) as unknown as FunctionLogRecord[];
      expect(new Set(records.map((record) => record.function))).toEqual(new Set(['webhooks']));
      // Each line once, in order.
      const seqs = records.map((record) => record.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await follow.stop();
    }
  });
});

describe('reelhire invoke', () => {
  const video = parseDetail('videoPosted', sampleOf(EVENTS.videoPosted).detail);

  it('runs the function in the running stack with a sample its trigger sends: result on stdout, logs on stderr', async () => {
    // The sample video of the account the sample profile (beforeAll) links.
    const { stdout, stderr } = await ok('invoke', 'videoEvents', '--event', 'video-posted');
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
    expect(stderr).toMatch(/^\[videoEvents\] metrics .*EventsProcessed=1/m);
    // It wrote to the running stack's table: the video has its portfolio link.
    const links = await fetch(`${stack.url}/links/${video.platform}/${video.videoId}`);
    expect(links.status).toBe(200);
    expect(await links.json()).toMatchObject({ portfolio: { profileId: expect.any(String) } });
  });

  it('takes an event file, and exits 1 with the error as the result when the handler throws', async () => {
    const file = join(tmpdir(), `reelhire-invoke-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({ Records: 'not a batch' }));
    const result = await reelhire(['invoke', 'videoEvents', '--event', file], { env });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ errorType: 'UnexpectedBatchTypeError' });
    expect(result.stderr).toMatch(
      /^reelhire: videoEvents failed \(request [\w-]+\): UnexpectedBatchTypeError/m,
    );
  });

  it('lists the functions for a wrong name and the samples for a wrong sample', async () => {
    const wrongFunction = await reelhire(['invoke', 'videoEvent'], { env });
    expect(wrongFunction.code).toBe(2);
    expect(wrongFunction.stderr).toMatch(
      /no function "videoEvent"; the stack's functions: .*videoEvents.*webhooks/,
    );
    const wrongSample = await reelhire(['invoke', 'videoEvents', '--event', 'job-published'], { env });
    expect(wrongSample.code).toBe(2);
    expect(wrongSample.stderr).toContain('its samples: video-posted, video-removed, account-disconnected');
  });

  it('runs in an embedded stack when none answers: a signed sample webhook is accepted', async () => {
    const assemblyDir = inject('reelhireCdkOut');
    const result = await reelhire(['invoke', 'webhooks', '--event', 'tiktok.video-posted'], {
      env: { PORT: String(await freePort()), ...(assemblyDir ? { REELHIRE_CDK_OUT: assemblyDir } : {}) },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('embedded stack');
    expect(result.stderr).toMatch(/^\[webhooks\] metrics TikTokWebhookAccepted=1/m);
    expect(JSON.parse(result.stdout)).toMatchObject({
      statusCode: 200,
      body: JSON.stringify({ status: 'accepted' }),
    });
  });
});
