import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PROJECT_ROOT } from '../lib/constructs/reelhire-function.ts';
import { type LocalStack, startLocalStack } from '../local/local-stack.ts';
import { FaultProxy } from '../reliability/fault-proxy.ts';

export interface BenchStack {
  readonly stack: LocalStack;
  /** Between the functions and DynamoDB: counts their calls (reads, writes). */
  readonly proxy: FaultProxy;
  /** PutEvents on the stack's buses, as the platforms' events come. */
  readonly bus: EventBridgeClient;
  stop(): Promise<void>;
}

/**
 * The local stack as the benches drive it: no schedules, no kept data, the functions' DynamoDB calls through a
 * counting proxy, and the front door on the bench's own clock (its throttles and WAF see the simulated rate).
 */
export const startBenchStack = async (frontDoorClock: () => number): Promise<BenchStack> => {
  const proxy = await FaultProxy.start({});
  const stack = await startLocalStack({
    projectDir: PROJECT_ROOT,
    port: 0,
    dynamoPort: 0,
    schedules: false,
    env: { ...process.env, REELHIRE_DATA_DIR: '' },
    dynamoEndpointForFunctions: proxy.url,
    frontDoorClock,
  });
  proxy.setTarget(stack.dynamoEndpoint);
  const bus = new EventBridgeClient({
    endpoint: stack.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    stack,
    proxy,
    bus,
    stop: async () => {
      bus.destroy();
      await stack.stop();
      await proxy.close();
    },
  };
};
