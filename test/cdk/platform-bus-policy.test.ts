import { beforeAll, describe, expect, it } from 'vitest';
import { readCloudAssembly } from '../../lib/assembly.ts';
import { busNameOf } from '../../lib/names.ts';
import { synthesizeCached } from '../../lib/synthesize.ts';
import { resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import { Authorizer } from '../../local/iam/authorizer.ts';
import type { RequestContext } from '../../local/iam/evaluation.ts';
import { type PolicyModel, policyModelOf } from '../../local/iam/policy-model.ts';
import type { Principal } from '../../local/iam/principal.ts';
import { LOCAL_ACCOUNT, localArn } from '../../local/local-account.ts';

/**
 * CONTRACT §6: the accounts in REELHIRE_PLATFORM_ACCOUNT_IDS may put rules on the bus for Link Changed and
 * Application Status Changed, and nothing else. The synthesized bus policy is evaluated by the local IAM
 * authorizer for principals of other accounts, each allowed everything by its own account: the bus decides.
 */

const PLATFORM = '111111111111';
const OTHER_PLATFORM = '222222222222';
const STRANGER = '333333333333';
const BUS = busNameOf('dev');
const ruleOf = (name: string) => localArn('events', `rule/${BUS}/${name}`);
const RULE = ruleOf('platform-inbox');

const principalOf = (account: string): Principal => ({
  kind: 'iam',
  arn: `arn:aws:iam::${account}:role/PlatformRules`,
});

/** The stack's policies, plus each outside principal's own account letting it do anything with EventBridge. */
const withOutsiders = (model: PolicyModel): PolicyModel => ({
  ...model,
  identities: new Map([
    ...model.identities,
    ...[PLATFORM, OTHER_PLATFORM, STRANGER].map(
      (account) =>
        [
          principalOf(account).kind === 'iam' ? `arn:aws:iam::${account}:role/PlatformRules` : '',
          [
            {
              name: 'OwnAccountAllowsEventBridge',
              document: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'events:*', Resource: '*' }],
              },
            },
          ],
        ] as const,
    ),
  ]),
});

const authorizerFor = async (env: NodeJS.ProcessEnv): Promise<Authorizer> => {
  const outdir = await synthesizeCached({ bundle: false, env });
  const { resources } = resolveCloudAssembly(readCloudAssembly(outdir), 'http://127.0.0.1:3000');
  return new Authorizer(withOutsiders(policyModelOf(resources)));
};

let authorizer: Authorizer;
let withoutPlatforms: Authorizer;

beforeAll(async () => {
  authorizer = await authorizerFor({ REELHIRE_PLATFORM_ACCOUNT_IDS: `${PLATFORM}, ${OTHER_PLATFORM}` });
  withoutPlatforms = await authorizerFor({});
}, 180_000);

const allowed = async (
  account: string,
  action: string,
  context: RequestContext = {},
  resource = RULE,
  on = authorizer,
): Promise<boolean> =>
  (await on.authorize({ principal: principalOf(account), action, resource, context })).allowed;

const detailTypes = (...types: string[]): RequestContext => ({ 'events:detail-type': types });
const createdBy = (account: string): RequestContext => ({ 'events:creatorAccount': account });

describe('the bus policy for platforms', () => {
  it('lets a listed platform put a rule for Link Changed and Application Status Changed', async () => {
    for (const types of [
      ['Link Changed'],
      ['Application Status Changed'],
      ['Link Changed', 'Application Status Changed'],
    ]) {
      expect(await allowed(PLATFORM, 'events:PutRule', detailTypes(...types)), types.join()).toBe(true);
      expect(await allowed(OTHER_PLATFORM, 'events:PutRule', detailTypes(...types)), types.join()).toBe(true);
    }
  });

  it('refuses a rule for any other detail-type, or one that names none (it would match everything)', async () => {
    expect(await allowed(PLATFORM, 'events:PutRule', detailTypes('Application Submitted'))).toBe(false);
    expect(await allowed(PLATFORM, 'events:PutRule', detailTypes('Link Changed', 'Profile Updated'))).toBe(
      false,
    );
    expect(await allowed(PLATFORM, 'events:PutRule')).toBe(false);
  });

  it('lets a platform manage only the rules its own account created, with targets in its own account', async () => {
    const own = createdBy(PLATFORM);
    const target = (account: string) => ({
      'events:TargetArn': [`arn:aws:events:us-east-1:${account}:event-bus/inbox`],
    });
    expect(await allowed(PLATFORM, 'events:PutTargets', { ...own, ...target(PLATFORM) })).toBe(true);
    expect(await allowed(PLATFORM, 'events:PutTargets', { ...own, ...target(STRANGER) })).toBe(false);
    for (const action of [
      'events:DeleteRule',
      'events:RemoveTargets',
      'events:DisableRule',
      'events:DescribeRule',
    ]) {
      expect(await allowed(PLATFORM, action, own), action).toBe(true);
      expect(await allowed(PLATFORM, action, createdBy(LOCAL_ACCOUNT)), action).toBe(false);
      expect(await allowed(PLATFORM, action, createdBy(OTHER_PLATFORM)), action).toBe(false);
    }
    // ReelHire's own rules (created by its account) cannot be changed or given targets.
    const reelhireRule = ruleOf('reelhire-dev-ApplicationNotifications');
    expect(
      await allowed(
        PLATFORM,
        'events:PutRule',
        { ...detailTypes('Link Changed'), ...createdBy(LOCAL_ACCOUNT) },
        reelhireRule,
      ),
    ).toBe(false);
    expect(
      await allowed(
        PLATFORM,
        'events:PutTargets',
        { ...createdBy(LOCAL_ACCOUNT), ...target(PLATFORM) },
        reelhireRule,
      ),
    ).toBe(false);
  });

  it('grants nothing else: no events put, no other account, no rule on another bus', async () => {
    expect(await allowed(PLATFORM, 'events:PutEvents', {}, localArn('events', `event-bus/${BUS}`))).toBe(
      false,
    );
    expect(await allowed(STRANGER, 'events:PutRule', detailTypes('Link Changed'))).toBe(false);
    expect(
      await allowed(
        PLATFORM,
        'events:PutRule',
        detailTypes('Link Changed'),
        localArn('events', 'rule/default/x'),
      ),
    ).toBe(false);
  });

  it('has no platform statement when no platform account is configured', async () => {
    expect(
      await allowed(PLATFORM, 'events:PutRule', detailTypes('Link Changed'), RULE, withoutPlatforms),
    ).toBe(false);
  });
});
