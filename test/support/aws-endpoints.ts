import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ActivityLog } from '../../local/activity-log.ts';
import type { EventRule } from '../../local/eventbridge/bus-event.ts';
import { LocalEventBuses } from '../../local/eventbridge/local-event-bus.ts';
import { TargetDispatcher } from '../../local/eventbridge/target-dispatcher.ts';
import { type AwsJsonServices, type AwsReply, handleAwsJson } from '../../local/http/aws-json-endpoint.ts';
import { LocalHttpServer, problemReply } from '../../local/http/local-http-server.ts';
import { QueueRegistry } from '../../local/sqs/queue-registry.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';

/**
 * The local AWS JSON endpoints alone (PutEvents and SQS on one port, Firehose and CloudWatch when given), with the
 * real SDK clients pointed at them.
 */
export interface AwsEndpoints {
  readonly url: string;
  readonly queues: QueueRegistry;
  readonly buses: LocalEventBuses;
  readonly activity: ActivityLog;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  close(): Promise<void>;
}

export const startAwsEndpoints = async (
  options: {
    readonly busNames?: readonly string[];
    readonly rules?: (queues: QueueRegistry) => readonly EventRule[];
    /** Firehose and CloudWatch, served on the same port when given. */
    readonly services?: Pick<AwsJsonServices, 'firehose' | 'metrics'>;
    /** Sees each call as the endpoint gets it: its operation, the signal the server hands it, its reply. */
    readonly onCall?: (call: {
      readonly target: string;
      readonly signal: AbortSignal;
      readonly reply: Promise<AwsReply>;
    }) => void;
  } = {},
): Promise<AwsEndpoints> => {
  const http = await LocalHttpServer.listen(0);
  const queues = new QueueRegistry(http.url);
  const activity = new ActivityLog();
  const dispatcher = new TargetDispatcher({
    deliver: async (_rule, target, payload) => {
      queues.byArn(target.arn)?.send({ body: payload });
    },
    deadLetter: async () => false,
    activity,
  });
  const buses = new LocalEventBuses(
    options.busNames ?? [],
    options.rules?.(queues) ?? [],
    dispatcher,
    activity,
  );
  http.attach({
    aws: (_request, target, body, signal) => {
      const reply = handleAwsJson(target, body, { buses, queues, ...options.services }, signal);
      options.onCall?.({ target, signal, reply });
      return reply;
    },
    route: async (request) => problemReply(404, 'Not Found', `no route for ${request.method} ${request.url}`),
    local: () => undefined,
  });
  const client = localClientConfig(http.url);
  const sqs = new SQSClient(client);
  const eventBridge = new EventBridgeClient(client);
  return {
    url: http.url,
    queues,
    buses,
    activity,
    sqs,
    eventBridge,
    async close() {
      sqs.destroy();
      eventBridge.destroy();
      await dispatcher.stop();
      await http.close();
    },
  };
};
