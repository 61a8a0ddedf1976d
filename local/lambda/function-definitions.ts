import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isJsonObject } from '#shared/json.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { numberField, objectField, stringField } from '../json.ts';
import type { FunctionDefinition } from './local-function.ts';

export interface BundledFunction {
  readonly resource: ResolvedResource;
  /** The asset directory (LAMBDA_TASK_ROOT). */
  readonly taskRoot: string;
  readonly handler: string;
  readonly handlerFile: string;
  readonly handlerExport: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly reservedConcurrency: number | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
}

const MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'];

/**
 * Locates a function's bundle as the CDK staged it (metadata `aws:asset:path`, relative to the assembly) and
 * its handler module (`index.handler` → index.mjs, export `handler`). Functions without a local bundle (inline
 * code of CDK's own custom resources, other runtimes) are reported as skipped, not started.
 */
export const bundledFunctionOf = (resource: ResolvedResource): BundledFunction | string => {
  const { properties } = resource;
  const runtime = stringField(properties, 'Runtime') ?? '';
  if (!runtime.startsWith('nodejs'))
    return `${resource.logicalId}: runtime ${runtime || '(none)'} is not run locally`;
  const assetPath = resource.metadata['aws:asset:path'];
  if (typeof assetPath !== 'string') return `${resource.logicalId}: no bundled asset (aws:asset:path) to run`;
  // Relative to the assembly when staged; absolute when the synth staged nothing.
  const taskRoot = resolve(resource.assemblyDir, assetPath);
  const handler = stringField(properties, 'Handler') ?? 'index.handler';
  const dot = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, dot);
  const handlerExport = handler.slice(dot + 1);
  const handlerFile = MODULE_EXTENSIONS.map((extension) => join(taskRoot, `${modulePath}${extension}`)).find(
    (file) => existsSync(file),
  );
  if (dot <= 0 || !handlerFile) return `${resource.logicalId}: handler ${handler} not found in ${taskRoot}`;
  const environment = objectField(properties, 'Environment');
  const variables = environment ? objectField(environment, 'Variables') : undefined;
  return {
    resource,
    taskRoot,
    handler,
    handlerFile,
    handlerExport,
    timeoutSeconds: numberField(properties, 'Timeout') ?? 3,
    memoryMb: numberField(properties, 'MemorySize') ?? 128,
    reservedConcurrency: numberField(properties, 'ReservedConcurrentExecutions'),
    variables: variables && isJsonObject(variables) ? variables : {},
  };
};

export const functionDefinitionOf = (
  bundled: BundledFunction,
  environment: Readonly<Record<string, string>>,
  defaultConcurrency: number,
): FunctionDefinition => ({
  name: bundled.resource.identity.ref,
  arn: bundled.resource.identity.attribute('Arn') ?? bundled.resource.identity.ref,
  logicalId: bundled.resource.logicalId,
  handlerUrl: pathToFileURL(bundled.handlerFile).href,
  handlerExport: bundled.handlerExport,
  sourceMaps: String(bundled.variables.NODE_OPTIONS ?? '').includes('--enable-source-maps'),
  environment,
  timeoutSeconds: bundled.timeoutSeconds,
  memoryMb: bundled.memoryMb,
  maxConcurrency: Math.max(
    1,
    Math.min(bundled.reservedConcurrency ?? defaultConcurrency, defaultConcurrency),
  ),
  ...(bundled.reservedConcurrency !== undefined ? { reservedConcurrency: bundled.reservedConcurrency } : {}),
});
