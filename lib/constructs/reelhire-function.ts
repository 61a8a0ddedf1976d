import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type CfnRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type CfnLogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../functions.ts';

/** The project root: entries in FUNCTIONS are relative to it, and esbuild resolves the `#shared/*`, `#links/*`… imports from its package.json. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The newest Node.js runtime aws-cdk-lib knows (NODEJS_LATEST would follow the CDK version, not us). */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;

/** Lets dependencies that still call `require` run inside the ESM bundle. */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __reelhireCreateRequire } from 'node:module'; const require = __reelhireCreateRequire(import.meta.url);";

/**
 * How every function is bundled. `npm start`'s hot reload rebundles a changed function with exactly these
 * (local/dev/function-bundler.ts), so that what it runs is what a synth would build.
 */
export const FUNCTION_BUNDLING = {
  forceDockerBundling: false,
  bundleAwsSDK: true,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: CREATE_REQUIRE_BANNER,
} as const satisfies BundlingOptions;

export interface ReelHireFunctionProps {
  /** The function's key in FUNCTIONS: its Powertools service name and the base of its logical ids. */
  readonly name: string;
  readonly spec: FunctionSpec;
  /** Plain environment variables (tokens allowed); the stack adds the common ones. */
  readonly environment: Readonly<Record<string, string>>;
  /** Logical ids of the function, its role and its log group. */
  readonly logicalIds: { readonly function: string; readonly role: string; readonly logGroup: string };
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the stack goes. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A ReelHire Lambda: bundled by the local esbuild (never Docker) into minified ESM with the AWS SDK inside,
 * ARM64 on the newest Node.js runtime, its own log group with retention, and its own role that starts with
 * nothing but writing to that log group; every other right is granted by the stack.
 */
export class ReelHireFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ReelHireFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    (this.logGroup.node.defaultChild as CfnLogGroup).overrideLogicalId(props.logicalIds.logGroup);

    // Our own role instead of the default one, which would attach AWSLambdaBasicExecutionRole (logs on `*`).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `ReelHire ${props.name}`,
    });
    (this.role.node.defaultChild as CfnRole).overrideLogicalId(props.logicalIds.role);
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: spec.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      reservedConcurrentExecutions: spec.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: FUNCTION_BUNDLING,
    });
    (this.function.node.defaultChild as CfnFunction).overrideLogicalId(props.logicalIds.function);
  }
}
