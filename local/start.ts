import { join } from 'node:path';
import { startHotReload } from './dev/hot-reload.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from './local-stack.ts';
import { prettyLogLine, wantsColour } from './logs/pretty-log.ts';
import { startupReport } from './startup-report.ts';
import { ensureSynthesized } from './synth.ts';

/*
 * `npm start`: the whole ReelHire stack on this machine. A thin command over startLocalStack: reads the
 * settings from the environment, prints what runs where, and stops everything on Ctrl-C or SIGTERM.
 */

/** Stopping waits for invocations under way to be cut and ports to close; it never takes this long. */
const STOP_TIMEOUT_MS = 15_000;

const portOf = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be a port number, got "${value}"`);
    process.exit(2);
  }
  return port;
};

/** `--app <dir>`: run that cloud assembly as it is (CONTRACT §9), as `cdk deploy --app <dir>` would deploy it. */
const appOf = (argv: readonly string[]): string | undefined => {
  const index = argv.indexOf('--app');
  if (index < 0) return undefined;
  const dir = argv[index + 1];
  if (!dir || dir.startsWith('--')) {
    console.error('--app needs the directory of a synthesized cloud assembly (cdk synth --output <dir>)');
    process.exit(2);
  }
  return dir;
};

/** How fast the alarm clock runs (tests: 60 makes a minute-long alarm period last a second). */
const alarmTimeScaleOf = (value: string | undefined): number => {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0) {
    console.error(`REELHIRE_ALARM_TIME_SCALE must be a positive number, got "${value}"`);
    process.exit(2);
  }
  return scale;
};

const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const app = appOf(argv);
  // --json-logs: the functions' lines exactly as they wrote them (Powertools JSON: each names its service), for
  // a machine to read; otherwise pretty, prefixed by the function's name, coloured on a terminal.
  const jsonLogs = argv.includes('--json-logs');
  const output = { stdout: process.stdout, stderr: process.stderr };
  const colour = {
    stdout: wantsColour(process.stdout, process.env),
    stderr: wantsColour(process.stderr, process.env),
  };
  const options: LocalStackOptions = {
    port: portOf('PORT', 3000),
    dynamoPort: portOf('DYNAMODB_PORT', 8000),
    // The stack's own WebSub hub: nothing outside the stack needs to find it (the functions are told, the
    // banner says where), so any free port unless HUB_PORT fixes one.
    hubPort: portOf('HUB_PORT', 0),
    ...(process.env.REELHIRE_DATA_DIR ? { dataDir: process.env.REELHIRE_DATA_DIR } : {}),
    // Runs a cloud assembly synthesized elsewhere (the tests' shared synth, a CI artifact, a prod synth) as it
    // is, instead of synthesizing cdk.out.
    ...(process.env.REELHIRE_CDK_OUT ? { assemblyDir: process.env.REELHIRE_CDK_OUT, synth: false } : {}),
    ...(app ? { assemblyDir: app, synth: false } : {}),
    alarmTimeScale: alarmTimeScaleOf(process.env.REELHIRE_ALARM_TIME_SCALE),
    log: (line) => console.log(line),
    functionLog: (name, line, stream) => {
      output[stream].write(`${jsonLogs ? line : prettyLogLine(name, line, { colour: colour[stream] })}\n`);
    },
  };
  let stack: LocalStack = await startLocalStack(options);
  console.log(startupReport(stack));

  // The inner loop: edits under functions/ and events/ swap the changed functions' code, edits under lib/ reload
  // the template. Never with --app, which runs an assembly as it is; off with --no-watch, and off by default
  // for an assembly synthesized elsewhere (REELHIRE_CDK_OUT: the tests' many stacks) unless --watch asks.
  const projectDir = process.cwd();
  const watching =
    !app &&
    !argv.includes('--no-watch') &&
    (process.env.REELHIRE_CDK_OUT === undefined || argv.includes('--watch'));
  const hotReload = !watching
    ? undefined
    : startHotReload({
        projectDir,
        functions: () => stack.functions,
        log: (line) => console.log(line),
        synthesize: async () =>
          (
            await ensureSynthesized({
              projectDir,
              outdir: join(projectDir, 'cdk.out'),
              log: (line) => console.log(line),
            })
          ).outdir,
        onTemplateChange: async (assemblyDir) => {
          await stack.stop();
          stack = await startLocalStack({ ...options, assemblyDir, synth: false });
          console.log(`ReelHire is running the new template on ${stack.url}`);
        },
      });

  // npm and a terminal may each pass the same Ctrl-C on: the first signal stops, repeats are ignored. (The
  // runtime runs under node --import tsx, not the tsx CLI, which kills a child that has not answered a signal
  // within 60 ms: a busy stack would lose its graceful stop.)
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ReelHire …`);
    const watchdog = setTimeout(() => {
      const waiting = stack.stopWaitingFor();
      console.error(
        `ReelHire did not stop within ${STOP_TIMEOUT_MS / 1000} s${waiting.length > 0 ? ` (still stopping: ${waiting.join(', ')})` : ''}; exiting anyway`,
      );
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    await hotReload?.stop();
    await stack.stop();
    clearTimeout(watchdog);
    console.log('Stopped.');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      shutdown(signal).catch((error: unknown) => {
        console.error('stopping failed:', error);
        process.exit(1);
      });
    });
  }
  for (const error of await stack.warmedUp) console.warn(`! ${error}`);
};

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(
    inUse
      ? `ReelHire cannot start: ${message} (set PORT / DYNAMODB_PORT / HUB_PORT to free ports)`
      : `ReelHire cannot start: ${message}`,
  );
  process.exit(1);
});
