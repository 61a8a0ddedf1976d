import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedSampleWebhook } from '../../cli/sample-webhooks.ts';
import { LOCAL_SYNTH_CONTEXT } from '../../lib/config.ts';
import { synthesizeCached } from '../../lib/synthesize.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import { freePort, type RunningNpmStart, startNpmStart } from '../support/npm-start.ts';
import { PROD_ENV } from '../support/synth-variants.ts';

// `npm start -- --app <dir>` runs an assembly synthesized for the cloud as it is, as `cdk deploy --app <dir>`
// would deploy it: here the prod stage with docs/deploy.md's settings, none of which `npm start` itself needs.
// Only what local mode always replaces differs: AWS endpoints, the WebSub hub, viewer tokens, secret values.

let run: RunningNpmStart;

beforeAll(async () => {
  // A cloud synth (not marked local): the same command line a deploy would use, with every prod setting.
  const assemblyDir = await synthesizeCached({
    context: { stage: 'prod', [LOCAL_SYNTH_CONTEXT]: false },
    env: PROD_ENV,
  });
  run = await startNpmStart(
    { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) },
    { args: ['--app', assemblyDir] },
  );
}, 600_000);

afterAll(async () => {
  await run?.stop('SIGINT');
});

describe('npm start -- --app <dir>', () => {
  it('runs the given assembly without synthesizing: the prod stacks, bus and alarms', async () => {
    expect(run.output()).toContain('synth skipped');
    expect(run.output()).toMatch(/Event buses +reelhire-prod/);
    const alarms = (await (await fetch(`${run.url}/_local/alarms`)).json()) as { name: string }[];
    expect(alarms.length).toBeGreaterThan(20);
    expect(alarms.every((alarm) => alarm.name.startsWith('reelhire-prod-'))).toBe(true);
  });

  it('seeds the local Secrets Manager under the prod secret names, which its webhooks function reads', async () => {
    const signed = signedSampleWebhook('tiktok.video-posted', {}, (secret) => DEV_SECRETS[secret]);
    const response = await fetch(`${run.url}${signed.path}`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(response.status).toBe(200);
    expect(((await (await fetch(`${run.url}/_local/iam`)).json()) as { count: number }).count).toBe(0);
  });
});
