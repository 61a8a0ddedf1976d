import { App, ReferenceStrength, Tags, Validations } from 'aws-cdk-lib';
import { DEFAULT_CROSS_STACK_REFERENCES as CROSS_STACK_REFERENCES_CONTEXT } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig, type ReelHireConfig } from './config.ts';
import { stackIdOf } from './names.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface BuildAppOptions {
  /** Where the cloud assembly goes. @default the CLI's outdir, or a temporary directory */
  readonly outdir?: string;
  /** CDK context, as `-c key=value` would give it. @default - the CLI's context only */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Where settings are read from besides the context. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** CDK's built-in CloudFormation validation; tests turn it off for speed. @default true */
  readonly cloudFormationValidation?: boolean;
}

export interface ReelHireApp {
  readonly app: App;
  readonly config: ReelHireConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * The whole deployable ReelHire: config, the stateful and the stateless stack, and cdk-nag's AwsSolutions
 * checks on every synth. Used by bin/app.ts (the CLI) and by the tests, which synthesize in-process.
 */
export const buildApp = (options: BuildAppOptions = {}): ReelHireApp => {
  const app = new App({
    outdir: options.outdir,
    // Weak cross-stack references (Fn::GetStackOutput) unless the command line says otherwise: docs/deploy.md §6
    // says why, and how a stage deployed with exports moves over (`-c …=both` for one deploy).
    context: { [CROSS_STACK_REFERENCES_CONTEXT]: ReferenceStrength.WEAK, ...options.context },
    analyticsReporting: false,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    // The local runtime finds each function's bundle through this metadata, so it is kept whatever the CLI says.
    postCliContext: { 'aws:cdk:enable-asset-metadata': true },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const config = loadConfig((key) => app.node.tryGetContext(key), options.env ?? process.env);
  const stateful = new StatefulStack(app, stackIdOf(config.stage, 'stateful'), {
    stage: config.stage,
    forwardDefaultBus: config.forwardDefaultBus,
    platformAccountIds: config.platformAccountIds,
    description: `ReelHire ${config.stage}: table, event bus with archive, dead-letter queues`,
    terminationProtection: config.stage !== 'dev',
  });
  const stateless = new StatelessStack(app, stackIdOf(config.stage, 'stateless'), {
    config,
    table: stateful.table,
    eventBus: stateful.eventBus,
    deadLetterQueues: stateful.deadLetterQueues,
    description: `ReelHire ${config.stage}: functions, rules, queues, HTTP API, alarms, dashboard`,
  });
  Tags.of(app).add('project', 'reelhire');
  Tags.of(app).add('stage', config.stage);
  return { app, config, stateful, stateless };
};
