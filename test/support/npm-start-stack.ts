import { inject } from 'vitest';
import type { ActivityRecord } from '../../local/activity-log.ts';
import { freePort, type RunningNpmStart, startNpmStart } from './npm-start.ts';
import type {} from './synth.ts';

/**
 * One `npm start` per test file, as a user runs it, on free ports, running the assembly the test setup
 * synthesized (REELHIRE_CDK_OUT) so that the suite pays for one synth.
 */
export const startStack = async (
  env: NodeJS.ProcessEnv = {},
  args: readonly string[] = [],
  cwd?: string,
): Promise<RunningNpmStart> => {
  const synthFailure = inject('reelhireCdkOutError');
  if (synthFailure)
    throw new Error(`the shared synth failed, so npm start has nothing to run: ${synthFailure}`);
  const assemblyDir = inject('reelhireCdkOut');
  return startNpmStart(
    {
      PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
      ...(assemblyDir ? { REELHIRE_CDK_OUT: assemblyDir } : {}),
      // No YOUTUBE_HUB_URL: linking a YouTube channel subscribes at the stack's own hub, as for a new user.
      ...env,
    },
    { args, ...(cwd ? { cwd } : {}) },
  );
};

export interface Activity {
  readonly records: readonly ActivityRecord[];
  readonly deadLetterQueues: readonly { readonly name: string; readonly messages: readonly unknown[] }[];
}

export const activityOf = async (url: string): Promise<Activity> =>
  (await (await fetch(`${url}/_local/activity`)).json()) as Activity;
