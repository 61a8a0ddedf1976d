import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionLogRecord } from '../../local/logs/function-logs.ts';
import { eventually } from '../../local/testing/eventually.ts';
import type { RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';
import { type CliResult, REELHIRE_BIN, reelhire, startCommand } from '../support/reelhire-cli.ts';

/**
 * The functions' logs: `npm start --json-logs` prints them as the functions wrote them, and `reelhire logs`
 * reads them from the running stack, one function or all, once or following new lines.
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
