import { startLocalStack } from './local-stack.ts';
import { startupReport } from './startup-report.ts';

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
  const app = appOf(process.argv.slice(2));
  const stack = await startLocalStack({
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
    functionLog: (functionName, line, stream) =>
      (stream === 'stderr' ? process.stderr : process.stdout).write(`[${functionName}] ${line}\n`),
  });
  console.log(startupReport(stack));

  // npm, tsx and a terminal may each pass the same Ctrl-C on: the first signal stops, repeats are ignored.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ReelHire …`);
    const watchdog = setTimeout(() => {
      console.error(`ReelHire did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
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
