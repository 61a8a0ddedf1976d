import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import { columns } from '../cli/output.ts';
import type { SampleName } from '../cli/sample-webhooks.ts';
import { defaultUrl } from '../cli/target.ts';
import { DEV_SECRETS } from './dev-secrets.ts';
import type { LocalStack } from './local-stack.ts';

const hubLine = ({ youtubeHub }: LocalStack): string =>
  youtubeHub.local
    ? `  WebSub hub      ${youtubeHub.url}  (local, run by this stack: YouTube subscriptions never leave this machine; set YOUTUBE_HUB_URL to use another hub)`
    : `  WebSub hub      ${youtubeHub.url}  (YOUTUBE_HUB_URL)`;

/** Every route of the template, with the function behind it. */
const routeLines = (stack: LocalStack): string[] =>
  columns(
    stack.routes.map((route) => {
      const [method = '', path = route.routeKey] = route.routeKey.split(' ');
      const fn = stack.functions.get(route.functionName);
      return [
        `  ${method}`,
        path,
        fn ? fn.definition.logicalId.replace(/Function$/, '') : route.functionName,
      ];
    }),
  );

/** The README tour's first steps: a creator links her accounts, posts a video, and it gets its portfolio link. */
const nextCommands = (stack: LocalStack): string[] => {
  const profileUpdated: SampleName = 'contra.profile-updated';
  const videoPosted: SampleName = 'tiktok.video-posted';
  const video = parseDetail('videoPosted', sampleOf(EVENTS.videoPosted).detail);
  // The commands target 127.0.0.1:3000 unless told otherwise.
  const target = stack.url === defaultUrl({}) ? [] : [[`  export REELHIRE_URL=${stack.url}`, '']];
  return columns([
    ...target,
    [
      `  npx reelhire trigger ${profileUpdated}`,
      `a creator links her accounts${stack.youtubeHub.local ? ' (her YouTube channel subscribes at the local hub)' : ''}`,
    ],
    [`  npx reelhire trigger ${videoPosted}`, `she posts a ${video.platform} video`],
    [`  npx reelhire links ${video.platform} ${video.videoId} --wait`, 'its "View My Portfolio" link'],
  ]);
};

/**
 * The start-up banner: what runs where, which secrets are development defaults, every route, the ready line and
 * what to try next.
 */
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
    hubLine(stack),
    ...webhooks.map(
      (path, index) => `  ${index === 0 ? 'Webhooks' : ''.padEnd(8)}        ${stack.url}${path}`,
    ),
    `  Functions       ${stack.functions.size}: ${[...stack.functions.values()].map((fn) => fn.definition.logicalId.replace(/Function$/, '')).join(', ')}`,
    `  Dead letters    ${stack.deadLetterQueueNames.length} queues; recent activity at ${stack.url}/_local/activity`,
    stack.iam.enforcing
      ? `  IAM             enforced as in AWS: each function signs as its own role; every refusal is printed as an [iam] line (${stack.url}/_local/iam)`
      : '  IAM             NOT enforced (enforceIam: false)',
    `  Alarms          ${stack.alarms.list().length} from the template, evaluated on their periods; npx reelhire alarms (${stack.url}/_local/alarms)`,
    `  Secrets Manager ${stack.url}  (the functions read their secrets there, by the names the template gives)`,
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
    `Routes (${stack.routes.length}, from the template):`,
    ...routeLines(stack),
    '',
    `ReelHire is ready on ${stack.url}`,
    '',
    `Try next, in another terminal (and watch it happen at ${stack.url}/_console):`,
    ...nextCommands(stack),
  ];
  return lines.join('\n');
};
