import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SecretName } from '#shared/secret-names.ts';
import { ActivityLog } from './activity-log.ts';
import { readCloudAssembly } from './cloudformation/cloud-assembly.ts';
import { resolveCloudAssembly } from './cloudformation/intrinsics.ts';
import { localSecrets } from './dev-secrets.ts';
import { createTables, startLocalDynamoDb } from './dynamodb/local-dynamodb.ts';
import type { BusEvent } from './eventbridge/bus-event.ts';
import { LocalEventBuses } from './eventbridge/local-event-bus.ts';
import { RuleScheduler } from './eventbridge/scheduler.ts';
import { deliverToTarget } from './eventbridge/target-delivery.ts';
import { TargetDispatcher } from './eventbridge/target-dispatcher.ts';
import { handleAwsJson } from './http/aws-json-endpoint.ts';
import { compileRoutes, type HttpRouteBinding } from './http/http-routes.ts';
import { hubEndpoint } from './http/hub-endpoint.ts';
import { LocalHttpServer } from './http/local-http-server.ts';
import { httpApiEvent, httpReplyOf, newRequestId } from './http/payload-v2.ts';
import { functionHttpFailure, localEndpoint } from './http/runtime-replies.ts';
import { AsyncInvoker, DEFAULT_ASYNC_CONFIG } from './lambda/async-invoker.ts';
import type { LocalFunction } from './lambda/local-function.ts';
import { createLocalFunctions } from './lambda/local-functions.ts';
import { functionNameOf } from './local-account.ts';
import { EventSourcePoller } from './sqs/event-source-poller.ts';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings, type StoredMessage } from './sqs/local-queue.ts';
import type { MessageAttributeValue } from './sqs/message-digest.ts';
import { QueueRegistry } from './sqs/queue-registry.ts';
import { restoreQueues, saveQueues } from './sqs/queue-snapshot.ts';
import { ensureSynthesized, type SynthResult } from './synth.ts';
import {
  asyncConfigsOf,
  busNamesOf,
  httpRoutesOf,
  queuesOf,
  rulesOf,
  sqsEventSourceMappingsOf,
  tablesOf,
} from './template-model.ts';
import { startYouTubeHub, type YouTubeHub } from './youtube-hub.ts';

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
  /** What the functions write to stdout/stderr. @default silent */
  readonly functionLog?: (functionName: string, line: string, stream: 'stdout' | 'stderr') => void;
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
  /** Concurrent batches per SQS event source mapping, unless the template says. @default 2 */
  readonly pollerConcurrency?: number;
  /**
   * The DynamoDB endpoint the functions are given (AWS_ENDPOINT_URL_DYNAMODB), when it is not the embedded one
   * itself: a fault proxy in front of it, for instance. The runtime keeps talking to the embedded one.
   * @default the embedded DynamoDB endpoint
   */
  readonly dynamoEndpointForFunctions?: string;
  /**
   * Caps every queue's visibility timeout, so that a failed or crashed batch comes back after this many
   * seconds rather than the template's minutes (tests). @default the template's
   */
  readonly maxVisibilityTimeoutSeconds?: number;
}

export interface QueueSummary {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

export interface DeadLetterQueueContents extends QueueSummary {
  readonly messages: readonly StoredMessage[];
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
  readonly deadLetterQueueNames: readonly string[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly routes: readonly HttpRouteBinding[];
  readonly buses: LocalEventBuses;
  readonly activity: ActivityLog;
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
}

const QUEUE_SNAPSHOT = 'sqs-messages.json';
const HUB_SNAPSHOT = 'websub-hub-subscriptions.json';

const withVisibilityCap = (
  settings: Partial<QueueSettings>,
  cap: number | undefined,
): Partial<QueueSettings> =>
  cap === undefined
    ? settings
    : {
        ...settings,
        visibilityTimeoutSeconds: Math.min(
          settings.visibilityTimeoutSeconds ?? DEFAULT_QUEUE_SETTINGS.visibilityTimeoutSeconds,
          cap,
        ),
      };

/**
 * Runs the synthesized stack on this machine: DynamoDB (dynalite), the queues, the event buses with their rules
 * and schedules, the functions' bundles in worker threads, the event source mappings and the HTTP API with the
 * PutEvents and SQS endpoints, all read from the cloud assembly so that local and cloud cannot drift.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const started = performance.now();
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);

  const synth =
    options.synth === false
      ? undefined
      : await ensureSynthesized({
          projectDir,
          ...(options.assemblyDir ? { outdir: options.assemblyDir } : {}),
          env,
          log,
        });
  const assemblyDir = options.assemblyDir ?? synth?.outdir ?? join(projectDir, 'cdk.out');
  const stacks = readCloudAssembly(assemblyDir);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const dynamo = await startLocalDynamoDb(
      options.dynamoPort ?? 8000,
      dataDir ? join(dataDir, 'dynamodb') : undefined,
    );
    cleanups.push(() => dynamo.close());
    const http = await LocalHttpServer.listen(options.port ?? 3000);
    cleanups.push(() => http.close());
    const youtubeHub = await startYouTubeHub({
      configuredUrl: env.YOUTUBE_HUB_URL || undefined,
      port: options.hubPort ?? 0,
      snapshotFile: dataDir ? join(dataDir, HUB_SNAPSHOT) : undefined,
      log: (line) => log(`[websub-hub] ${line}`),
    });
    cleanups.push(() => youtubeHub.stop());

    const { resources, warnings: resolutionWarnings } = resolveCloudAssembly(stacks, http.url);
    warnings.push(...resolutionWarnings);
    const tables = tablesOf(resources);
    await createTables(dynamo.client, tables);

    const activity = new ActivityLog();
    const queues = new QueueRegistry(http.url);
    for (const queue of queuesOf(resources)) {
      queues.create(queue.name, withVisibilityCap(queue.settings, options.maxVisibilityTimeoutSeconds));
    }
    if (dataDir) await restoreQueues(queues, join(dataDir, QUEUE_SNAPSHOT));

    const secrets = localSecrets(env);
    const { functions, skipped } = await createLocalFunctions({
      resources,
      endpoints: {
        apiUrl: http.url,
        dynamoEndpoint: options.dynamoEndpointForFunctions ?? dynamo.endpoint,
      },
      secrets,
      publicBaseUrl: env.PUBLIC_BASE_URL || http.url,
      youtubeHubUrl: youtubeHub.url,
      maxConcurrency: options.maxConcurrencyPerFunction ?? 4,
      activity,
      onLog: options.functionLog ?? (() => undefined),
    });
    warnings.push(...skipped);
    if (functions.size === 0 && skipped.length > 0) {
      throw new Error(
        `no function of the cloud assembly at ${assemblyDir} has a bundle to run (was it synthesized without bundling?): ${skipped[0]}`,
      );
    }
    cleanups.push(async () => {
      await Promise.all([...functions.values()].map((fn) => fn.stop()));
    });

    const sendToQueue = (
      arn: string,
      body: string,
      attributes?: Record<string, MessageAttributeValue>,
    ): boolean => {
      const queue = queues.byArn(arn);
      if (!queue) return false;
      queue.send({ body, ...(attributes ? { messageAttributes: attributes } : {}) });
      return true;
    };
    const asyncConfigs = asyncConfigsOf(resources);
    const invoker = new AsyncInvoker({
      functionNamed: (name) => functions.get(name),
      configOf: (name) => asyncConfigs.get(name) ?? DEFAULT_ASYNC_CONFIG,
      sendToQueue,
      activity,
      ...(options.asyncRetryDelaysMs ? { retryDelaysMs: options.asyncRetryDelaysMs } : {}),
    });

    const rules = rulesOf(resources, warn);
    // The buses and the dispatcher need each other (a target may be another bus): the dispatcher asks late.
    let buses: LocalEventBuses | undefined;
    const dispatcher = new TargetDispatcher({
      deliver: deliverToTarget({ queues, invoker, buses: () => buses }),
      deadLetter: sendToQueue,
      activity,
      ...(options.targetBackoffMs ? { backoffMs: options.targetBackoffMs } : {}),
    });
    buses = new LocalEventBuses(busNamesOf(resources), rules, dispatcher, activity);
    const eventBuses = buses;
    cleanups.push(() => dispatcher.stop());
    cleanups.push(() => invoker.stop());

    const pollers: EventSourcePoller[] = [];
    for (const mapping of sqsEventSourceMappingsOf(resources)) {
      const queue = queues.byArn(mapping.queueArn);
      const fn = functions.get(mapping.functionName);
      if (!queue || !fn) {
        warn(
          `event source mapping ${mapping.queueArn} → ${mapping.functionName}: queue or function not found`,
        );
        continue;
      }
      pollers.push(
        new EventSourcePoller(
          queue,
          fn,
          {
            batchSize: mapping.batchSize,
            maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
            reportBatchItemFailures: mapping.reportBatchItemFailures,
            maximumConcurrency: mapping.maximumConcurrency ?? options.pollerConcurrency ?? 2,
          },
          (error) =>
            warn(`poller of ${queue.name}: ${error instanceof Error ? error.message : String(error)}`),
        ),
      );
    }

    const routes = httpRoutesOf(resources, warn);
    const matchRoute = compileRoutes(routes);
    const apiId =
      resources.find((resource) => resource.type === 'AWS::ApiGatewayV2::Api')?.identity.ref ?? 'local';

    const deadLetterArns = new Set<string>([
      ...queues
        .all()
        .flatMap((queue) =>
          queue.settings.redrivePolicy ? [queue.settings.redrivePolicy.deadLetterTargetArn] : [],
        ),
      ...rules.flatMap((rule) =>
        rule.targets.flatMap((target) => (target.deadLetterArn ? [target.deadLetterArn] : [])),
      ),
      ...[...asyncConfigs.values()].flatMap((config) =>
        [config.deadLetterArn, config.onFailureArn].filter((arn): arn is string => !!arn),
      ),
    ]);
    const deadLetterQueues = (): DeadLetterQueueContents[] =>
      queues
        .all()
        .filter((queue) => deadLetterArns.has(queue.arn))
        .map((queue) => ({ name: queue.name, url: queue.url, arn: queue.arn, messages: queue.peek() }));

    http.attach({
      aws: (target, body, signal) => handleAwsJson(target, body, { buses: eventBuses, queues }, signal),
      route: (request, body) => {
        const match = matchRoute(request.method ?? 'GET', (request.url ?? '/').split('?')[0]!);
        const fn = match ? functions.get(match.route.functionName) : undefined;
        if (!match || !fn) return undefined;
        const requestId = newRequestId();
        return fn.invoke(httpApiEvent({ request, body, match, apiId, requestId }), 'http').then((result) => {
          const reply = result.ok ? httpReplyOf(result.value) : functionHttpFailure(result);
          return { ...reply, headers: { ...reply.headers, 'apigw-requestid': requestId } };
        });
      },
      local: (request, body) =>
        hubEndpoint(youtubeHub, request, body) ??
        localEndpoint((request.url ?? '/').split('?')[0]!, { activity, deadLetterQueues }),
    });

    const scheduler = new RuleScheduler(rules, (rule) => eventBuses.fireSchedule(rule));

    // Handlers load in the background: the stack is ready at once, and a request that comes before its
    // function is warm waits for that warm-up instead of paying for a second cold start.
    const byRoutes = new Set(routes.map((route) => route.functionName));
    const byEvents = new Set([
      ...sqsEventSourceMappingsOf(resources).map((mapping) => mapping.functionName),
      ...rules.flatMap((rule) => rule.targets.map((target) => functionNameOf(target.arn))),
    ]);
    const warm = (names: ReadonlySet<string>): Promise<string[]> =>
      Promise.all(
        [...functions.values()]
          .filter((fn) => names.has(fn.name))
          .map(async (fn) => {
            const error = await fn.warm().catch((failure: unknown) => ({
              errorType: 'Runtime.Stopped',
              errorMessage: failure instanceof Error ? failure.message : String(failure),
            }));
            return error
              ? [`function ${fn.name} failed to initialize: ${error.errorType}: ${error.errorMessage}`]
              : [];
          }),
      ).then((errors) => errors.flat());
    // The API's functions first: on two cores, loading every bundle at once would delay the first request.
    const warmedUp: Promise<string[]> =
      options.warm === false
        ? Promise.resolve([])
        : warm(byRoutes).then(async (first) => [
            ...first,
            ...(await warm(new Set([...byEvents].filter((name) => !byRoutes.has(name))))),
          ]);
    for (const poller of pollers) poller.start();
    if (options.schedules !== false) scheduler.start();

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        scheduler.stop();
        // Flags first, so that invocations cut short by the shutdown are not retried or dead-lettered.
        const stopped = [invoker.stop(), dispatcher.stop(), ...pollers.map((poller) => poller.stop())];
        await Promise.all([...functions.values()].map((fn) => fn.stop()));
        await Promise.all([...stopped, warmedUp]);
        if (dataDir) await saveQueues(queues, join(dataDir, QUEUE_SNAPSHOT));
        await cleanUp();
      })();
      return stopping;
    };

    return {
      url: http.url,
      dynamoEndpoint: dynamo.endpoint,
      dataDir,
      busNames: busNamesOf(resources),
      tableNames: tables.map((table) => table.identity.ref),
      youtubeHub: { url: youtubeHub.url, local: youtubeHub.local },
      queues,
      deadLetterQueueNames: queues
        .all()
        .filter((queue) => deadLetterArns.has(queue.arn))
        .map((queue) => queue.name),
      functions,
      routes,
      buses: eventBuses,
      activity,
      defaultedSecrets: secrets.defaulted,
      synth,
      warnings,
      startupMs: performance.now() - started,
      warmedUp,
      runSchedule: (ruleName) => {
        const rule = rules.find((candidate) => candidate.name === ruleName && candidate.scheduleExpression);
        if (!rule) throw new Error(`no schedule rule ${ruleName}`);
        return eventBuses.fireSchedule(rule);
      },
      deadLetterQueues,
      stop,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
};
