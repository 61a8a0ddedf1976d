import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { registerAlarms } from './alarms.ts';
import { registerApplications } from './applications.ts';
import { describeFailure, EXIT_OK, EXIT_USAGE } from './cli-error.ts';
import { registerDlq } from './dlq.ts';
import { registerEmployer } from './employer.ts';
import { registerEmployerCredentials } from './employer-credentials.ts';
import { registerFunnel } from './funnel.ts';
import { registerInvoke } from './invoke.ts';
import { registerLinks } from './links.ts';
import { registerLogs } from './logs.ts';
import { registerSend } from './send.ts';
import { registerToken } from './token.ts';
import { registerTrigger } from './trigger.ts';

/**
 * `reelhire`: the command line of CONTRACT §5. Exit codes: 0 done, 1 the remote side failed, 2 usage.
 * Errors are one line on stderr.
 */
export const buildProgram = (): Command => {
  const program = new Command('reelhire')
    .description(
      'ReelHire from the command line: send sample webhooks and events to a running stack, read links, make ' +
        'local viewer tokens, employer keys and secrets, list a job’s applications and its funnel, inspect and redrive dead-letter ' +
        'queues, show the alarms, receive notifications. ' +
        'Targets `npm start` at http://127.0.0.1:$PORT (3000) unless --url or REELHIRE_URL says otherwise.',
    )
    .version(packageJson.version, '-V, --version', 'print the version')
    // `--version` after a command is that command's own (`trigger … --version <n>`), not the program's.
    .enablePositionalOptions()
    // Commander's own errors (unknown option, missing argument…) become exit code 2 below.
    .exitOverride()
    .showSuggestionAfterError()
    // Errors are one line: Commander's suggestion joins its error instead of starting a second line.
    .configureOutput({ outputError: (text, write) => write(text.replace(/\n(?=\(Did you mean)/, ' ')) })
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false });
  registerTrigger(program);
  registerSend(program);
  registerLinks(program);
  registerToken(program);
  registerEmployerCredentials(program);
  registerApplications(program);
  registerFunnel(program);
  registerDlq(program);
  registerAlarms(program);
  registerLogs(program);
  registerInvoke(program);
  registerEmployer(program);
  return program;
};

export const run = async (argv: readonly string[]): Promise<number> => {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const failure = describeFailure(error);
    process.stderr.write(`reelhire: ${failure.line}\n`);
    return failure.exitCode;
  }
};

// The SDK warns every run that its 2027 releases will need Node 22; a command's output is no place for that.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await run(process.argv.slice(2));
