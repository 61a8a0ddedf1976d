import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type InvokeOutcome,
  type InvokeRequest,
  InvokeRequestError,
  invokeFunction,
} from '../local/invoke/invoke-function.ts';
import { startLocalStack } from '../local/local-stack.ts';
import { prettyLogLine, wantsColour } from '../local/logs/pretty-log.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { note } from './output.ts';
import { bodyOf, fetchStack, problemDetail, urlOption } from './target.ts';

/**
 * `reelhire invoke <function> [--event file|sample]`, like `sam local invoke`: runs one function's bundle once
 * with one event, prints its result (JSON) on stdout and its log lines on stderr, and exits 1 when it fails.
 * It runs in the stack `npm start` runs (its tables, queues and bus: what the function reads is there) when one
 * answers; otherwise in an embedded stack started for this one invocation, in memory, from the synthesized
 * assembly (REELHIRE_CDK_OUT, else cdk.out, synthesized if stale), which it stops afterwards.
 */

interface InvokeOptions {
  readonly url: string;
  readonly event?: string;
  readonly embedded?: boolean;
}

/** `--event`: a JSON file when one is there, else the name of a sample. */
const requestOf = async (name: string, event: string | undefined): Promise<InvokeRequest> => {
  if (event === undefined) return { function: name };
  if (!existsSync(event)) return { function: name, sample: event };
  try {
    return { function: name, event: JSON.parse(await readFile(event, 'utf8')) as unknown };
  } catch (error) {
    throw new UsageError(
      `${event} is not a JSON file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

/** A stack answers at `url`: its own endpoints, not just anything on the port. */
const stackRunsAt = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(`${url}/_local/logs?after=${Number.MAX_SAFE_INTEGER}`, {
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
};

const invokeRunning = async (url: string, request: InvokeRequest): Promise<InvokeOutcome> => {
  const response = await fetchStack(`${url}/_local/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    // A function may run for its whole timeout (15 minutes at most).
    signal: AbortSignal.timeout(16 * 60_000),
  });
  const body = await bodyOf(response);
  if (response.status === 400 || response.status === 404) throw new UsageError(problemDetail(body));
  if (!response.ok)
    throw new RemoteError(`POST /_local/invoke answered ${response.status}: ${problemDetail(body)}`);
  return body as InvokeOutcome;
};

const invokeEmbedded = async (request: InvokeRequest): Promise<InvokeOutcome> => {
  note('No stack answers there: running the function in an embedded stack (in memory, stopped afterwards) …');
  const assemblyDir = process.env.REELHIRE_CDK_OUT;
  const stack = await startLocalStack({
    port: 0,
    dynamoPort: 0,
    ...(assemblyDir ? { assemblyDir, synth: false } : {}),
    warm: false,
    schedules: false,
    alarms: false,
    log: note,
  });
  try {
    return await invokeFunction(
      {
        functions: stack.functions,
        routes: stack.routes,
        apiUrl: stack.url,
        logs: stack.logs,
        secretOf: stack.secretOf,
      },
      request,
    );
  } catch (error) {
    if (error instanceof InvokeRequestError) throw new UsageError(error.message);
    throw error;
  } finally {
    await stack.stop();
  }
};

const invoke = async (name: string, options: InvokeOptions, command: Command): Promise<void> => {
  const request = await requestOf(name, options.event);
  // An address the user gave (--url, REELHIRE_URL) must answer; the default one may be absent.
  const given = command.getOptionValueSource('url') !== 'default';
  const running = !options.embedded && (given || (await stackRunsAt(options.url)));
  const outcome = running ? await invokeRunning(options.url, request) : await invokeEmbedded(request);
  const colour = wantsColour(process.stderr, process.env);
  for (const record of outcome.logs)
    process.stderr.write(`${prettyLogLine(record.function, record.line, { colour })}\n`);
  if (outcome.ok) {
    process.stdout.write(`${JSON.stringify(outcome.value, null, 2)}\n`);
    return;
  }
  // As Lambda answers a failed invocation: the error payload is the result.
  process.stdout.write(`${JSON.stringify(outcome.error, null, 2)}\n`);
  throw new RemoteError(
    `${outcome.function} ${outcome.outcome} (request ${outcome.requestId}): ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
  );
};

export const registerInvoke = (program: Command): void => {
  program
    .command('invoke')
    .summary("run one function once with one event, like 'sam local invoke'")
    .description(
      'Runs one function of the stack (its name in lib/functions.ts: videoEvents, webhooks, linksApi, …) once with ' +
        'one event, in its execution environment (its bundle, its role, the stack’s endpoints), and prints its ' +
        'result as JSON on stdout and its log lines on stderr; exits 1 when it fails. --event takes a JSON file ' +
        'or a sample that its trigger would send (an SQS batch of a catalog event, a Scheduled Event, an API ' +
        'Gateway request: a signed sample webhook or a GET of one of its routes); without it, its first sample. ' +
        'A wrong function or sample name lists the right ones. It runs in the stack `npm start` runs at --url when ' +
        'one answers there, else in an embedded in-memory stack started for it (--embedded forces that).',
    )
    .argument('<function>', 'the function, by its name in lib/functions.ts')
    .option('-e, --event <file|sample>', 'the event: a JSON file, or a sample name')
    .option('--embedded', 'run in an embedded in-memory stack even when one answers at --url')
    .addOption(urlOption())
    .action((name: string, options: InvokeOptions, command: Command) => invoke(name, options, command));
};
