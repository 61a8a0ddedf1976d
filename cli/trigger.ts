import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { PLATFORMS, type Platform, type VideoRef } from '#events/fields.ts';
import { topicOfChannel } from '#websub/topics.ts';
import { HUB_PUBLISH_PATH, type HubPublishResult } from '../local/http/hub-endpoint.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { localSecret } from './local-secrets.ts';
import { print } from './output.ts';
import {
  acceptedOverrides,
  type OverrideName,
  SAMPLE_NAMES,
  type SampleName,
  type SampleOverrides,
  signedSampleWebhook,
  youtubeSampleFeed,
} from './sample-webhooks.ts';
import { bodyOf, fetchStack, jsonOption, problemDetail, urlOption } from './target.ts';

/** `reelhire trigger <name>`: one signed sample webhook to a running stack, like `stripe trigger`. */

const positiveInteger = (value: string): number => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError('an integer ≥ 1 is expected.');
  return number;
};

const isPlatform = (value: string): value is Platform => (PLATFORMS as readonly string[]).includes(value);

/** `tiktok:123,youtube:abc` (repeatable, comma or space separated); `none` for no videos. */
const videoRefs = (value: string, previous: VideoRef[] | undefined): VideoRef[] => {
  const refs = [...(previous ?? [])];
  for (const item of value.split(',').map((part) => part.trim())) {
    if (item === '' || item === 'none') continue;
    const separator = item.indexOf(':');
    const platform = item.slice(0, separator);
    const videoId = item.slice(separator + 1);
    if (separator < 0 || !isPlatform(platform) || videoId === '')
      throw new InvalidArgumentError(
        `"${item}" is not <platform>:<videoId> (platform ${PLATFORMS.join(' or ')}).`,
      );
    refs.push({ platform, videoId });
  }
  return refs;
};

const OVERRIDE_FLAGS: Readonly<Record<OverrideName, string>> = {
  videoId: '--video-id',
  accountId: '--account-id',
  profileId: '--profile-id',
  jobId: '--job-id',
  version: '--version',
  notifyUrl: '--notify-url',
  videos: '--videos',
};

interface TriggerOptions extends SampleOverrides {
  readonly url: string;
  readonly json?: boolean;
  readonly viaHub?: boolean;
}

const overridesOf = (name: SampleName, options: TriggerOptions): SampleOverrides => {
  const accepted = acceptedOverrides(name);
  const given = (Object.keys(OVERRIDE_FLAGS) as OverrideName[]).filter((key) => options[key] !== undefined);
  const misplaced = given.filter((key) => !accepted.includes(key));
  if (misplaced.length > 0) {
    throw new UsageError(
      `${misplaced.map((key) => OVERRIDE_FLAGS[key]).join(', ')} does not apply to ${name} (it takes ${
        accepted.map((key) => OVERRIDE_FLAGS[key]).join(', ') || 'no overrides'
      })`,
    );
  }
  return Object.fromEntries(given.map((key) => [key, options[key]]));
};

/**
 * A YouTube sample the way YouTube notifies: handed to the stack's own WebSub hub, which delivers it to the
 * channel's verified subscriber (its callback, signed with its hub.secret).
 */
const publishThroughHub = async (name: SampleName, options: TriggerOptions): Promise<void> => {
  const sample = youtubeSampleFeed(name, overridesOf(name, options));
  if (!sample) throw new UsageError(`--via-hub applies to the youtube.* samples, not to ${name}`);
  const url = `${options.url}${HUB_PUBLISH_PATH}?${new URLSearchParams({ topic: topicOfChannel(sample.channelId) })}`;
  const response = await fetchStack(url, {
    method: 'POST',
    headers: { 'content-type': 'application/atom+xml' },
    body: sample.feed,
  });
  const answer = await bodyOf(response);
  print(options, {
    json: () => ({
      name,
      request: { method: 'POST', url, body: sample.feed },
      response: { status: response.status, body: answer },
    }),
    human: () => [
      `POST ${url}  (${sample.platformEvent}, delivered by the stack's WebSub hub to the channel's subscriber, signed with its hub.secret)`,
      sample.feed.trimEnd(),
      `← ${response.status} ${typeof answer === 'string' ? answer : JSON.stringify(answer)}`,
    ],
  });
  if (!response.ok)
    throw new RemoteError(`the stack's hub answered ${response.status} to ${name}: ${problemDetail(answer)}`);
  const { callbackStatus } = answer as HubPublishResult;
  if (callbackStatus < 200 || callbackStatus > 299)
    throw new RemoteError(`the subscriber answered ${callbackStatus} to the hub's delivery of ${name}`);
};

const trigger = async (name: SampleName, options: TriggerOptions): Promise<void> => {
  if (options.viaHub) return publishThroughHub(name, options);
  const webhook = signedSampleWebhook(
    name,
    overridesOf(name, options),
    (secret) => localSecret(secret).value,
  );
  const url = `${options.url}${webhook.path}`;
  const response = await fetchStack(url, { method: 'POST', headers: webhook.headers, body: webhook.body });
  const answer = await bodyOf(response);
  // A WebSub notification that does not verify is answered 2xx and dropped (CONTRACT §4): for a sample that
  // means the stack runs with another secret.
  const dropped =
    webhook.path === '/webhooks/youtube' &&
    typeof answer === 'object' &&
    answer !== null &&
    'status' in answer &&
    answer.status === 'ignored';

  const { secretName } = webhook;
  print(options, {
    json: () => ({
      name,
      request: { method: 'POST', url, headers: webhook.headers, body: webhook.body },
      response: { status: response.status, body: answer },
    }),
    human: () => [
      `POST ${url}  (${webhook.platformEvent}, signed with ${localSecret(secretName).isDevelopmentDefault ? `the development ${secretName}` : secretName})`,
      webhook.body.trimEnd(),
      `← ${response.status} ${typeof answer === 'string' ? answer : JSON.stringify(answer)}`,
    ],
  });
  if (!response.ok) throw new RemoteError(`the stack answered ${response.status} to ${name}`);
  if (dropped) {
    throw new RemoteError(
      `the stack dropped the notification: its signature did not verify (does YOUTUBE_HUB_SECRET match the stack's?)`,
    );
  }
};

export const registerTrigger = (program: Command): void => {
  program
    .command('trigger')
    .summary('send a signed sample webhook to a running stack')
    .description(
      'Sends a sample webhook, built from the event catalog samples with fresh timestamps, to a running stack, ' +
        "signed as the platform signs it with the secret the stack uses (the environment's, else the development " +
        'default). Prints what was sent and the status; exits 1 unless the stack accepted it.',
    )
    .addArgument(new Argument('<name>', 'the sample to send').choices(SAMPLE_NAMES))
    .addOption(new Option('--video-id <id>', 'the video (tiktok.*, youtube.*)'))
    .addOption(
      new Option('--account-id <id>', "the TikTok open id or YouTube channel id of the video's account"),
    )
    .addOption(new Option('--profile-id <id>', 'the Contra profile (contra.profile-*)'))
    .addOption(new Option('--job-id <id>', 'the Contra job (contra.job-*)'))
    .addOption(
      new Option('--version <n>', 'the profile or job version (contra.*)').argParser(positiveInteger),
    )
    .addOption(new Option('--notify-url <url>', "the employer's endpoint (contra.job-published)"))
    .addOption(
      new Option(
        '--videos <refs...>',
        'the videos that promote the job: platform:videoId, … (contra.job-published)',
      ).argParser(videoRefs),
    )
    .addOption(
      new Option(
        '--via-hub',
        "youtube.*: hand the feed to the stack's own WebSub hub, which delivers it to the channel's subscriber as YouTube's hub does",
      ),
    )
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((name: SampleName, options: TriggerOptions) => trigger(name, options));
};
