import type { Command } from 'commander';
import { Argument, InvalidArgumentError, Option } from 'commander';
import { PLATFORMS } from '#events/fields.ts';
import { RemoteError } from './cli-error.ts';
import { columns, print } from './output.ts';
import { bodyOf, fetchStack, jsonOption, problemDetail, urlOption } from './target.ts';

/** `reelhire links <platform> <videoId>`: a video's links as the platforms read them (GET /links/…). */

interface VideoLinks {
  readonly platform: string;
  readonly videoId: string;
  readonly portfolio: { readonly profileId: string; readonly url: string } | null;
  readonly apply: { readonly jobId: string; readonly url: string } | null;
}

interface LinksOptions {
  readonly url: string;
  readonly json?: boolean;
  readonly wait?: number;
}

const seconds = (value: string): number => {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 600)
    throw new InvalidArgumentError('seconds between 0 and 600 are expected.');
  return number;
};

const POLL_MS = 200;

const readLinks = async (url: string, waitSeconds: number): Promise<Response> => {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const response = await fetchStack(url);
    if (response.status !== 404 || Date.now() >= deadline) return response;
    // The handlers work behind the bus: a link shows up moments after the event that makes it.
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
};

const links = async (platform: string, videoId: string, options: LinksOptions): Promise<void> => {
  const url = `${options.url}/links/${encodeURIComponent(platform)}/${encodeURIComponent(videoId)}`;
  const response = await readLinks(url, options.wait ?? 0);
  const body = await bodyOf(response);
  if (response.status === 404) {
    // Scripts reading --json get the answer "no links" as data too; the exit code says it as well.
    const none = { platform, videoId, portfolio: null, apply: null };
    if (options.json) print(options, { json: () => none, human: () => [] });
    throw new RemoteError(`no active link on ${platform} video ${videoId} (404)`);
  }
  if (!response.ok) throw new RemoteError(`GET ${url} answered ${response.status}: ${problemDetail(body)}`);
  const video = body as VideoLinks;
  print(options, {
    json: () => video,
    human: () => [
      `${video.platform} video ${video.videoId}`,
      ...columns([
        [
          '  View My Portfolio',
          video.portfolio ? `${video.portfolio.url}  (profile ${video.portfolio.profileId})` : 'none',
        ],
        ['  Apply', video.apply ? `${video.apply.url}  (job ${video.apply.jobId})` : 'none'],
      ]),
    ],
  });
};

export const registerLinks = (program: Command): void => {
  program
    .command('links')
    .summary("show a video's links")
    .description(
      'Shows a video\'s "View My Portfolio" and "Apply" links (GET /links/{platform}/{videoId}); exits 1 when ' +
        'neither is active.',
    )
    .addArgument(new Argument('<platform>').choices(PLATFORMS))
    .argument('<videoId>')
    .addOption(
      new Option('--wait [seconds]', 'poll until a link is active, for at most this long')
        .preset(10)
        .argParser(seconds),
    )
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((platform: string, videoId: string, options: LinksOptions) => links(platform, videoId, options));
};
