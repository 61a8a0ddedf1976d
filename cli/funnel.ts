import { type Command, Option } from 'commander';
import { type JobFunnel, JobFunnelBody } from '#employers/routes.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { currentEmployerKey } from './employer-credentials.ts';
import { columns, print } from './output.ts';
import { bodyOf, fetchStack, jsonOption, problemDetail, urlOption } from './target.ts';

/**
 * `reelhire funnel <jobId>`: a job's funnel (CONTRACT §8) as its employer sees it, through the employer API —
 * apply taps, apply page views, applications and hires per video, and the totals. The employer's key comes
 * from --key or REELHIRE_EMPLOYER_KEY, or is derived for --employer as `reelhire employer-key` does.
 */

interface FunnelOptions {
  readonly url: string;
  readonly key?: string;
  readonly employer?: string;
  readonly stage: string;
  readonly json?: boolean;
}

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

const showFunnel = async (jobId: string, options: FunnelOptions): Promise<void> => {
  const key = await keyOf(options);
  const response = await fetchStack(`${options.url}/employer/jobs/${encodeURIComponent(jobId)}/funnel`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const body = await bodyOf(response);
  if (response.status !== 200) throw new RemoteError(`${response.status}: ${problemDetail(body)}`);
  const parsed = JobFunnelBody.safeParse(body);
  if (!parsed.success)
    throw new RemoteError(`the stack answered a funnel of another shape: ${problemDetail(body)}`);
  const funnel = parsed.data;
  print(options, { json: () => funnel, human: () => humanLines(funnel) });
};

export const registerFunnel = (program: Command): void => {
  program
    .command('funnel')
    .summary("show a job's funnel: taps, page views, applications, hires per video")
    .description(
      "Shows a job's funnel as its employer sees it (GET /employer/jobs/{jobId}/funnel): per video the taps on " +
        'its Apply link, the apply page views, applications and hires it brought, and the totals. Counts are ' +
        'exact, within 60 seconds.',
    )
    .argument('<jobId>')
    .addOption(urlOption())
    .addOption(new Option('--key <key>', "the employer's API key").env('REELHIRE_EMPLOYER_KEY'))
    .addOption(
      new Option('--employer <employerId>', 'derive the key of this employer (as `reelhire employer-key`)'),
    )
    .option('--stage <stage>', "the stack's stage", 'dev')
    .addOption(jsonOption())
    .action((jobId: string, options: FunnelOptions) => showFunnel(jobId, options));
};
