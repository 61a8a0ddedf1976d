import { type Command, Option } from 'commander';
import type * as z from 'zod';
import { type JobFunnel, JobFunnelBody } from '#employers/routes.ts';
import { ProfileFunnelBody } from '#funnel/routes.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { currentEmployerKey } from './employer-credentials.ts';
import { columns, print } from './output.ts';
import { bodyOf, fetchStack, jsonOption, problemDetail, urlOption } from './target.ts';
import { localViewerToken } from './token.ts';

/**
 * `reelhire funnel <jobId>`: a job's funnel (CONTRACT §8) as its employer sees it, through the employer API —
 * apply taps, apply page views, applications and hires per video, and the totals. The employer's key comes
 * from --key or REELHIRE_EMPLOYER_KEY, or is derived for --employer as `reelhire employer-key` does.
 * `reelhire funnel --profile <profileId>`: a creator's funnel as the creator sees it (GET /profiles/me/funnel):
 * portfolio taps per video. The viewer token comes from --token or REELHIRE_VIEWER_TOKEN, or is signed for the
 * local stack as `reelhire token` does.
 */

interface FunnelOptions {
  readonly url: string;
  readonly key?: string;
  readonly employer?: string;
  readonly profile?: string;
  readonly token?: string;
  readonly stage: string;
  readonly json?: boolean;
}

type ProfileFunnel = z.output<typeof ProfileFunnelBody>;

const STEPS = ['applyTaps', 'applyPageViews', 'applications', 'hired'] as const;
const HEADINGS = ['apply taps', 'page views', 'applications', 'hired'];

const humanLines = (funnel: JobFunnel): string[] => {
  const counts = (row: JobFunnel['totals']) => STEPS.map((step) => String(row[step]));
  return [
    `job ${funnel.jobId}`,
    ...columns([
      ['  video', ...HEADINGS],
      ...funnel.videos.map((video) => [`  ${video.platform} ${video.videoId}`, ...counts(video)]),
      ['  all (with or without via)', ...counts(funnel.totals)],
    ]),
  ];
};

const keyOf = async (options: FunnelOptions): Promise<string> => {
  if (options.key) return options.key;
  if (options.employer) return currentEmployerKey(options.employer, options);
  throw new UsageError(
    'an employer key is needed: --key <key>, REELHIRE_EMPLOYER_KEY, or --employer <employerId>',
  );
};

/** GETs one funnel with its credentials and checks the answer's shape before anything is printed. */
const fetchFunnel = async <Body extends z.ZodType>(
  url: string,
  bearer: string,
  shape: Body,
): Promise<z.output<Body>> => {
  const response = await fetchStack(url, { headers: { authorization: `Bearer ${bearer}` } });
  const body = await bodyOf(response);
  if (response.status !== 200) throw new RemoteError(`${response.status}: ${problemDetail(body)}`);
  const parsed = shape.safeParse(body);
  if (!parsed.success)
    throw new RemoteError(`the stack answered a funnel of another shape: ${problemDetail(body)}`);
  return parsed.data;
};

const showJobFunnel = async (jobId: string, options: FunnelOptions): Promise<void> => {
  const funnel = await fetchFunnel(
    `${options.url}/employer/jobs/${encodeURIComponent(jobId)}/funnel`,
    await keyOf(options),
    JobFunnelBody,
  );
  print(options, { json: () => funnel, human: () => humanLines(funnel) });
};

const profileLines = (funnel: ProfileFunnel): string[] => [
  `profile ${funnel.profileId}`,
  ...columns([
    ['  video', 'portfolio taps'],
    ...funnel.videos.map((video) => [`  ${video.platform} ${video.videoId}`, String(video.portfolioTaps)]),
    ['  all', String(funnel.totals.portfolioTaps)],
  ]),
];

const showProfileFunnel = async (profileId: string, options: FunnelOptions): Promise<void> => {
  const token = options.token ?? (await localViewerToken(profileId));
  const funnel = await fetchFunnel(`${options.url}/profiles/me/funnel`, token, ProfileFunnelBody);
  print(options, { json: () => funnel, human: () => profileLines(funnel) });
};

const showFunnel = async (jobId: string | undefined, options: FunnelOptions): Promise<void> => {
  if (jobId !== undefined && options.profile !== undefined)
    throw new UsageError('a job id or --profile <profileId>, not both');
  if (options.profile !== undefined) return showProfileFunnel(options.profile, options);
  if (jobId === undefined) throw new UsageError('a job id is needed, or --profile <profileId>');
  return showJobFunnel(jobId, options);
};

export const registerFunnel = (program: Command): void => {
  program
    .command('funnel')
    .summary("show a job's funnel (taps, page views, applications, hires) or a creator's (--profile)")
    .description(
      "Shows a job's funnel as its employer sees it (GET /employer/jobs/{jobId}/funnel): per video the taps on " +
        'its Apply link, the apply page views, applications and hires it brought, and the totals. With ' +
        "--profile instead of a job id, a creator's funnel as the creator sees it (GET /profiles/me/funnel): " +
        'the taps on each video’s portfolio link. Counts are exact, within 60 seconds.',
    )
    .argument('[jobId]')
    .addOption(urlOption())
    .addOption(new Option('--key <key>', "the employer's API key").env('REELHIRE_EMPLOYER_KEY'))
    .addOption(
      new Option('--employer <employerId>', 'derive the key of this employer (as `reelhire employer-key`)'),
    )
    .addOption(new Option('--profile <profileId>', "a creator's funnel instead of a job's"))
    .addOption(
      new Option('--token <jwt>', "the creator's viewer token (default: signed for the local stack)").env(
        'REELHIRE_VIEWER_TOKEN',
      ),
    )
    .option('--stage <stage>', "the stack's stage", 'dev')
    .addOption(jsonOption())
    .action((jobId: string | undefined, options: FunnelOptions) => showFunnel(jobId, options));
};
