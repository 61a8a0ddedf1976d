import { DEV_SECRETS } from './dev-secrets.ts';
import type { LocalStack } from './local-stack.ts';

/** The start-up banner: what runs where, which secrets are development defaults, and the ready line. */
export const startupReport = (stack: LocalStack): string => {
  const webhooks = stack.routes
    .map((route) => route.routeKey.split(' ')[1] ?? '')
    .filter((path, index, paths) => path.startsWith('/webhooks/') && paths.indexOf(path) === index);
  const synth = stack.synth
    ? stack.synth.synthesized
      ? `synthesized in ${(stack.synth.durationMs / 1000).toFixed(1)} s`
      : 'cdk.out is current'
    : 'synth skipped';
  const lines = [
    '',
    `ReelHire local stack (${synth}; started in ${(stack.startupMs / 1000).toFixed(1)} s)`,
    `  HTTP API        ${stack.url}   (health: ${stack.url}/health)`,
    `  Console         ${stack.url}/_console   (the bus, the functions and the dead letters, live)`,
    `  EventBridge     POST ${stack.url}/  (PutEvents; aws events put-events --endpoint-url ${stack.url})`,
    `  SQS             ${stack.url}  (AWS JSON; queues ${stack.url}/000000000000/<name>)`,
    `  DynamoDB        ${stack.dynamoEndpoint}  (${stack.dataDir ? `data in ${stack.dataDir}` : 'in memory'}; tables ${stack.tableNames.join(', ')})`,
    `  Event buses     ${stack.busNames.join(', ')}`,
    ...webhooks.map(
      (path, index) => `  ${index === 0 ? 'Webhooks' : ''.padEnd(8)}        ${stack.url}${path}`,
    ),
    `  Functions       ${stack.functions.size}: ${[...stack.functions.values()].map((fn) => fn.definition.logicalId.replace(/Function$/, '')).join(', ')}`,
    `  Dead letters    ${stack.deadLetterQueueNames.length} queues; recent activity at ${stack.url}/_local/activity`,
    ...(stack.defaultedSecrets.length > 0
      ? [
          `  Secrets         development defaults for ${stack.defaultedSecrets.join(', ')} (local mode only; set them in the environment to override):`,
          // The defaults are public (local/dev-secrets.ts) and only local mode accepts them; values from the
          // environment are never printed.
          ...stack.defaultedSecrets.map((name) => `                    ${name}=${DEV_SECRETS[name]}`),
        ]
      : ['  Secrets         all from the environment']),
    ...stack.warnings.map((warning) => `  ! ${warning}`),
    '',
    `ReelHire is ready on ${stack.url}`,
  ];
  return lines.join('\n');
};
