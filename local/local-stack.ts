import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SecretName } from '#shared/secret-names.ts';
import { ActivityLog } from './activity-log.ts';
import { resolveCloudAssembly } from './cloudformation/intrinsics.ts';
import { recentApplications } from './console/applications-view.ts';
import { signingValueOf } from './dev-secrets.ts';
import type { BusEvent } from './eventbridge/bus-event.ts';
import type { LocalEventBuses } from './eventbridge/local-event-bus.ts';
import type { LocalDeliveryStreams } from './firehose/local-delivery-streams.ts';
import type { HttpRouteBinding } from './http/http-routes.ts';
import { consoleOrigins } from './http/local-only.ts';
import { checkAccountConcurrency } from './lambda/account-concurrency.ts';
import type { FunctionLogSink, LocalFunction } from './lambda/local-function.ts';
import { FunctionLogs, shortNameOf } from './logs/function-logs.ts';
import type { QueueRegistry } from './sqs/queue-registry.ts';
import { type LocalAlarms, startAlarms } from './stack/alarms.ts';
import { startAsyncInvocations } from './stack/async-invocations.ts';
import { loadCloudAssembly } from './stack/cloud-assembly.ts';
import { type DeadLetterQueueContents, deadLetterQueueView } from './stack/dead-letter-queues.ts';
import { startEventBuses } from './stack/event-buses.ts';
import { startEventSourcePollers } from './stack/event-source-pollers.ts';
import { startFunctions } from './stack/functions.ts';
import { startFunnelLog } from './stack/funnel-log.ts';
import { listenHttp, serveHttpApi } from './stack/http-api.ts';
import { type LocalIam, startIam } from './stack/iam.ts';
import { StackLifecycle } from './stack/lifecycle.ts';
import { type LocalMetrics, startMetrics } from './stack/metrics.ts';
import { startQueues } from './stack/queues.ts';
import { seedSecrets } from './stack/secrets.ts';
import { createTemplateTables, startStorage } from './stack/storage.ts';
import { startTtlSweeper, type TtlSweeper } from './stack/ttl-sweeper.ts';
import { warmUp } from './stack/warm-up.ts';
import { startWebSubHub } from './stack/websub-hub.ts';
import type { SynthResult } from './synth.ts';
import type { YouTubeHub } from './youtube-hub.ts';

export interface LocalStackOptions {
  /** @default process.cwd() */
  readonly projectDir?: string;
  /** The cloud assembly to run. @default <projectDir>/cdk.out */
  readonly assemblyDir?: string;
  /** Synthesize first unless the assembly is current. @default true */
  readonly synth?: boolean;
  /** API port; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** DynamoDB port; 0 picks a free one. @default 8000 */
  readonly dynamoPort?: number;
  /** The port of the stack's own WebSub hub (unless YOUTUBE_HUB_URL names another); 0 picks a free one. @default 0 */
  readonly hubPort?: number;
  /** Keeps DynamoDB data and queued messages across restarts. @default in memory */
  readonly dataDir?: string;
  /** Secrets, PUBLIC_BASE_URL, YOUTUBE_HUB_URL and synth settings. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Runtime messages (synth, warnings). @default silent */
  readonly log?: (line: string) => void;
  /** What the functions write to stdout/stderr, by each function's short name (shortNameOf). @default silent */
  readonly functionLog?: FunctionLogSink;
  /** Waits between attempts of a failing async invocation. @default Lambda's 1 and 2 minutes */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Wait before rule-target retry n. @default exponential from 1 s */
  readonly targetBackoffMs?: (retry: number) => number;
  /** Run schedule rules on their timers. @default true */
  readonly schedules?: boolean;
  /** Load every function's handler in the background as soon as the stack is up. @default true */
  readonly warm?: boolean;
  /** Execution environments (worker threads) per function at most. @default 4 */
  readonly maxConcurrencyPerFunction?: number;
  /**
   * Concurrent batches per SQS event source mapping at most on this machine; a lower MaximumConcurrency in the
   * template wins. @default maxConcurrencyPerFunction
   */
  readonly pollerConcurrency?: number;
  /**
   * Enforce IAM on every local AWS endpoint and delivery (CONTRACT §9). Only the bench turns it off, to
   * measure what enforcement costs. @default true
   */
  readonly enforceIam?: boolean;
  /**
   * How fast the alarm clock runs: 60 makes a 60-second alarm period last one second, so tests see alarms
   * change state without waiting minutes. @default 1 (real time)
   */
  readonly alarmTimeScale?: number;
  /** Evaluate the alarms on their timer. @default true */
  readonly alarms?: boolean;
  /** Sweep expired items (the tables' TimeToLiveSpecification) on their timer. @default true */
  readonly ttlSweeps?: boolean;
  /**
   * The DynamoDB endpoint the functions are given (AWS_ENDPOINT_URL_DYNAMODB), when it is not the embedded one
   * itself: a fault proxy in front of it, for instance. The runtime keeps talking to the embedded one.
   * @default the embedded DynamoDB endpoint
   */
  readonly dynamoEndpointForFunctions?: string;
  /**
   * The Firehose endpoint the functions are given (AWS_ENDPOINT_URL_FIREHOSE), when not the API port itself: a
   * fault proxy in front of it, whose lost answers make the SDK put a record twice. @default the API origin
   */
  readonly firehoseEndpointForFunctions?: string;
  /**
   * Caps every queue's visibility timeout, so that a failed or crashed batch comes back after this many
   * seconds rather than the template's minutes (tests). @default the template's
   */
  readonly maxVisibilityTimeoutSeconds?: number;
  /**
   * The clock of the front door (epoch ms): API throttle buckets, the WAF's rate windows, the CDN's cache ages.
   * Tests and the bench pass their own to move time on without waiting. @default Date.now
   */
  readonly frontDoorClock?: () => number;
}

export interface LocalStack {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly dataDir: string | undefined;
  readonly busNames: readonly string[];
  readonly tableNames: readonly string[];
  /** The WebSub hub the functions subscribe at: the stack's own unless YOUTUBE_HUB_URL names another. */
  readonly youtubeHub: YouTubeHub;
  readonly queues: QueueRegistry;
  /** The Firehose delivery streams (the funnel log) and the local buckets they deliver into. */
  readonly firehose: LocalDeliveryStreams;
  readonly deadLetterQueueNames: readonly string[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly routes: readonly HttpRouteBinding[];
  readonly buses: LocalEventBuses;
  readonly activity: ActivityLog;
  /** Every function's latest log lines (`reelhire logs`, the console). */
  readonly logs: FunctionLogs;
  /** The policies in force (reloadable in-process), the local Secrets Manager and every refusal. */
  readonly iam: LocalIam;
  /** The template's alarms, evaluated, and the topics they notify. */
  readonly alarms: LocalAlarms;
  /**
   * What CloudWatch holds for the stack (functions' EMF, Lambda, API Gateway, SQS, Firehose's DataFreshness), on
   * the alarm clock; the functions read it with GetMetricData (AWS_ENDPOINT_URL_CLOUDWATCH, the API origin).
   */
  readonly metrics: LocalMetrics;
  /** DynamoDB's TTL: the expired items of the template's TTL-enabled tables, deleted on a timer. */
  readonly ttl: TtlSweeper;
  /** What a secret signs with here (the first of a rotation list): `reelhire invoke` signs its samples so. */
  secretOf(name: SecretName): string;
  /** The secrets running on their development default. */
  readonly defaultedSecrets: readonly SecretName[];
  readonly synth: SynthResult | undefined;
  /** Template features that are not emulated, and functions that failed to load. */
  readonly warnings: readonly string[];
  readonly startupMs: number;
  /** Settles when every function used by a route, mapping or rule has loaded its handler: the INIT errors. */
  readonly warmedUp: Promise<readonly string[]>;
  /** Fires a schedule rule now (tests, the console). */
  runSchedule(ruleName: string): BusEvent;
  deadLetterQueues(): DeadLetterQueueContents[];
  stop(): Promise<void>;
  /** While stopping: the parts not stopped yet, as "<part> (<phase>)". */
  stopWaitingFor(): readonly string[];
}

/**
 * Runs the synthesized stack on this machine: DynamoDB (dynalite), the queues, the event buses with their rules
 * and schedules, the functions' bundles in worker threads, the event source mappings and the HTTP API with the
 * PutEvents and SQS endpoints, all read from the cloud assembly so that local and cloud cannot drift. Each part
 * is built by its step in local/stack/, in this order, and registers what it does when the stack stops.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const started = performance.now();
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const { assemblyDir, stacks, synth } = await loadCloudAssembly({
    projectDir,
    assemblyDir: options.assemblyDir,
    synth: options.synth ?? true,
    env,
    log,
  });

  const lifecycle = new StackLifecycle();
  try {
    // The ports first, the API's before the others, which answer the console's web page (its origin) only:
    // a port in use stops start-up before anything runs.
    const http = await listenHttp(lifecycle, options.port ?? 3000);
    const browserOrigins = consoleOrigins(http.url);
    const dynamo = await startStorage(lifecycle, {
      port: options.dynamoPort ?? 8000,
      dataDir,
      browserOrigins,
    });
    const youtubeHub = await startWebSubHub(lifecycle, {
      env,
      port: options.hubPort ?? 0,
      dataDir,
      log,
      browserOrigins,
    });

    const { resources, warnings: resolutionWarnings } = resolveCloudAssembly(stacks, http.url);
    warnings.push(...resolutionWarnings);
    // As Lambda would refuse the deploy: reservations that leave the account under 100 unreserved executions.
    checkAccountConcurrency(resources, env);
    const tableNames = await createTemplateTables(dynamo, resources);
    const activity = new ActivityLog();
    const metrics = startMetrics({ activity, timeScale: options.alarmTimeScale ?? 1 });
    const { firehose, athena } = await startFunnelLog(lifecycle, { resources, dataDir, metrics });
    const ttl = startTtlSweeper(lifecycle, {
      resources,
      client: dynamo.client,
      run: options.ttlSweeps ?? true,
      warn: (message) => log(message),
    });
    const iam = startIam({ resources, enforce: options.enforceIam ?? true, athena, log, warn });
    const { guard } = iam;
    if (guard) dynamo.enforce((request) => guard.check(request));
    const secrets = seedSecrets({ resources, env, store: iam.secrets });
    const secretOf = (name: SecretName) => signingValueOf(secrets.values[name]);
    const functionLog = options.functionLog ?? (() => undefined);
    const logs = new FunctionLogs();
    // Filled once the functions exist: their short names label the lines.
    const shortNames = new Map<string, string>();
    const queues = await startQueues(lifecycle, {
      resources,
      apiUrl: http.url,
      dataDir,
      maxVisibilityTimeoutSeconds: options.maxVisibilityTimeoutSeconds,
    });
    const maxConcurrency = options.maxConcurrencyPerFunction ?? 4;
    const { functions } = await startFunctions(lifecycle, {
      resources,
      assemblyDir,
      env,
      secrets,
      credentialsOf: (name) => iam.credentialsOf(name),
      apiUrl: http.url,
      dynamoEndpoint: options.dynamoEndpointForFunctions ?? dynamo.endpoint,
      ...(options.firehoseEndpointForFunctions
        ? { firehoseEndpoint: options.firehoseEndpointForFunctions }
        : {}),
      youtubeHubUrl: youtubeHub.url,
      maxConcurrency,
      activity,
      functionLog: (name, line, stream, requestId) => {
        metrics.fromLog(line);
        const shortName = shortNames.get(name) ?? name;
        logs.append({
          function: shortName,
          functionName: name,
          stream,
          line,
          ...(requestId ? { requestId } : {}),
        });
        functionLog(shortName, line, stream, requestId);
      },
      warn,
    });
    for (const [name, fn] of functions) shortNames.set(name, shortNameOf(fn.definition));
    const { invoker, configs } = startAsyncInvocations(lifecycle, {
      resources,
      functions,
      queues,
      activity,
      iam,
      retryDelaysMs: options.asyncRetryDelaysMs,
    });
    const { busNames, buses, rules, runSchedule } = startEventBuses(lifecycle, {
      resources,
      queues,
      invoker,
      activity,
      iam,
      targetBackoffMs: options.targetBackoffMs,
      schedules: options.schedules ?? true,
      warn,
    });
    startEventSourcePollers(lifecycle, {
      resources,
      queues,
      functions,
      concurrency: options.pollerConcurrency ?? maxConcurrency,
      iam,
      warn,
    });
    const alarms = startAlarms(lifecycle, {
      resources,
      metrics,
      queues,
      functions,
      iam,
      run: options.alarms ?? true,
      log,
      warn,
    });
    const deadLetterQueues = deadLetterQueueView({ queues, rules, asyncConfigs: configs });
    const routes = serveHttpApi(http, {
      resources,
      functions,
      buses,
      queues,
      firehose,
      athena,
      youtubeHub,
      activity,
      logs,
      secretOf,
      deadLetterQueues,
      applications: () => recentApplications(dynamo.client, tableNames[0]),
      storage: { dynamoEndpoint: dynamo.endpoint, tableNames },
      clock: options.frontDoorClock ?? Date.now,
      iam,
      metrics,
      alarms,
      warn,
    });
    const warmedUp = warmUp(lifecycle, { resources, functions, routes, rules, warm: options.warm ?? true });
    lifecycle.start();

    return {
      url: http.url,
      dynamoEndpoint: dynamo.endpoint,
      dataDir,
      busNames,
      tableNames,
      youtubeHub,
      queues,
      firehose,
      deadLetterQueueNames: deadLetterQueues.names,
      functions,
      routes,
      buses,
      activity,
      logs,
      iam,
      alarms,
      metrics,
      ttl,
      defaultedSecrets: secrets.defaulted,
      secretOf,
      synth,
      warnings,
      startupMs: performance.now() - started,
      warmedUp,
      runSchedule,
      deadLetterQueues: () => deadLetterQueues.contents(),
      stop: () => lifecycle.stop(),
      stopWaitingFor: () => lifecycle.waitingFor(),
    };
  } catch (error) {
    await lifecycle.abort();
    throw error;
  }
};
