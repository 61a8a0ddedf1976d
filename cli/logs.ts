import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { FunctionLogRecord } from '../local/logs/function-logs.ts';
import { prettyLogLine, wantsColour } from '../local/logs/pretty-log.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { bodyOf, fetchStack, jsonOption, problemDetail, urlOption } from './target.ts';

/**
 * `reelhire logs [--function F] [--follow]`: the functions' log lines of the running local stack, read from its
 * `/_local/logs` (the lines it keeps in memory, as CloudWatch Logs keeps them in the cloud), pretty as
 * `npm start` prints them, or one JSON record a line with --json.
 */

/** How often --follow asks for new lines. */
const FOLLOW_INTERVAL_MS = 500;

interface LogsOptions {
  readonly url: string;
  readonly function?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
}

interface LogsPage {
  readonly latest: number;
  readonly functions: readonly string[];
  readonly lines: readonly FunctionLogRecord[];
}

const isLogsPage = (body: unknown): body is LogsPage =>
  typeof body === 'object' &&
  body !== null &&
  'lines' in body &&
  Array.isArray(body.lines) &&
  'functions' in body &&
  Array.isArray(body.functions) &&
  'latest' in body &&
  typeof body.latest === 'number';

const page = async (options: LogsOptions, after: number): Promise<LogsPage> => {
  const url = new URL(`${options.url}/_local/logs`);
  if (options.function) url.searchParams.set('function', options.function);
  url.searchParams.set('after', String(after));
  const response = await fetchStack(url.href);
  const body = await bodyOf(response);
  if (!response.ok || !isLogsPage(body))
    throw new RemoteError(`GET ${url.pathname} answered ${response.status}: ${problemDetail(body)}`);
  return body;
};

const logs = async (options: LogsOptions): Promise<void> => {
  const colour = wantsColour(process.stdout, process.env);
  const show = (record: FunctionLogRecord) =>
    process.stdout.write(
      `${options.json ? JSON.stringify(record) : prettyLogLine(record.function, record.line, { colour })}\n`,
    );
  let current = await page(options, 0);
  if (options.function && !current.functions.includes(options.function)) {
    throw new UsageError(
      `no function "${options.function}" in the running stack; its functions: ${current.functions.join(', ')}`,
    );
  }
  for (;;) {
    for (const record of current.lines) show(record);
    if (!options.follow) return;
    await sleep(FOLLOW_INTERVAL_MS);
    current = await page(options, current.latest);
  }
};

export const registerLogs = (program: Command): void => {
  program
    .command('logs')
    .summary("show the functions' log lines of the running stack")
    .description(
      "Shows the functions' log lines that the running local stack keeps (the latest 5,000), oldest first, each " +
        'prefixed by its function: level, message and the keys that matter of each Powertools line. ' +
        '--follow keeps printing new lines until Ctrl-C; --json prints one record a line ' +
        '({seq, at, function, functionName, requestId, stream, line}) with the line as the function wrote it.',
    )
    .option('-f, --function <name>', 'only this function (its name in lib/functions.ts, e.g. videoEvents)')
    .option('--follow', 'keep printing new lines as they are written')
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: LogsOptions) => logs(options));
};
