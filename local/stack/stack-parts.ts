import type { ActivityLog } from '../activity-log.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import type { LocalIam } from './iam.ts';
import type { LocalMetrics } from './metrics.ts';

/**
 * What the steps of the local stack share, each named once: a step's input picks the parts it uses
 * (`Pick<StackParts, 'resources' | 'iam'>`) and adds its own.
 */
export interface StackParts {
  /** The template's resources, intrinsics resolved. */
  readonly resources: readonly ResolvedResource[];
  /** The stack's functions by name. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** The SQS queues: routes, dead-letter queues, on-failure destinations. */
  readonly queues: QueueRegistry;
  /** What the console's activity feed shows. */
  readonly activity: ActivityLog;
  /** Decides every AWS call and every service delivery (rule → queue, CloudWatch → topic…) by the template's policies. */
  readonly iam: LocalIam;
  readonly metrics: LocalMetrics;
  /** Milliseconds since the epoch: the stack's clock (tests move it). */
  readonly clock: () => number;
  readonly log: (line: string) => void;
  readonly warn: (message: string) => void;
}
