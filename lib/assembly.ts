import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isJsonObject } from '#shared/json.ts';
import type { FunctionName } from './functions.ts';
import { logicalIds, STACK_KINDS, type StackKind, stackIdOf } from './names.ts';

/**
 * CloudFormation templates as synthesized, and the cloud assembly (cdk.out) that holds them: one set of types
 * and one reader for the tests, the bench, the reliability harness and the local runtime. It imports nothing
 * from aws-cdk-lib, so that none of those processes loads the CDK to read what it wrote.
 */

/** A resource as synthesized, its properties still holding intrinsics. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
  readonly DependsOn?: string | readonly string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Description?: string;
  /** The name may itself be an intrinsic (an Fn::Sub, a Ref). */
  readonly Export?: { readonly Name: unknown };
}

export interface CfnTemplate {
  readonly Parameters?: Readonly<Record<string, { readonly Type?: string; readonly Default?: unknown }>>;
  readonly Mappings?: Readonly<Record<string, unknown>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, CfnOutput>>;
}

/** One stack of a cloud assembly: its template and the directory its asset paths are relative to. */
export interface StackArtifact {
  /** The artifact's id in the manifest: the stack's construct id. */
  readonly artifactId: string;
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly assemblyDir: string;
}

const recordIn = (value: unknown, key: string): Readonly<Record<string, unknown>> => {
  const field = isJsonObject(value) ? value[key] : undefined;
  return isJsonObject(field) ? field : {};
};

const textIn = (record: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const field = record[key];
  return typeof field === 'string' ? field : undefined;
};

/**
 * Reads every CloudFormation stack of a cloud assembly (cdk.out), following nested assemblies (stages).
 * The manifest is the CDK's own index, so the stacks are found however the app names its files.
 */
export const readCloudAssembly = (assemblyDir: string): StackArtifact[] => {
  const manifest: unknown = JSON.parse(readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const stacks: StackArtifact[] = [];
  for (const [artifactId, artifact] of Object.entries(recordIn(manifest, 'artifacts'))) {
    if (!isJsonObject(artifact)) continue;
    const properties = recordIn(artifact, 'properties');
    const type = textIn(artifact, 'type');
    if (type === 'aws:cloudformation:stack') {
      const templateFile = textIn(properties, 'templateFile');
      if (!templateFile) continue;
      const templatePath = path.join(assemblyDir, templateFile);
      stacks.push({
        artifactId,
        stackName: textIn(properties, 'stackName') ?? artifactId,
        template: JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate,
        assemblyDir: path.dirname(templatePath),
      });
    } else if (type === 'cdk:cloud-assembly') {
      const directoryName = textIn(properties, 'directoryName');
      if (directoryName) stacks.push(...readCloudAssembly(path.join(assemblyDir, directoryName)));
    }
  }
  if (stacks.length === 0) throw new Error(`no CloudFormation stack in the cloud assembly at ${assemblyDir}`);
  return stacks;
};

/** The ReelHire app's two stacks of one stage, as synthesized. */
export interface ReelHireAssembly {
  readonly outdir: string;
  readonly stage: string;
  readonly templates: Readonly<Record<StackKind, CfnTemplate>>;
}

/** Reads the templates of the given stage from an assembly directory. */
export const readAssembly = (outdir: string, stage = 'dev'): ReelHireAssembly => {
  const stacks = readCloudAssembly(outdir);
  const templates = Object.fromEntries(
    STACK_KINDS.map((kind) => {
      const id = stackIdOf(stage, kind);
      const stack = stacks.find((candidate) => candidate.artifactId === id);
      if (stack === undefined)
        throw new Error(
          `no stack ${id} in the cloud assembly at ${outdir}: was stage ${stage} synthesized there?`,
        );
      return [kind, stack.template];
    }),
  ) as Record<StackKind, CfnTemplate>;
  return { outdir, stage, templates };
};

/** A function's resource in the stateless template. */
export const functionResourceOf = (assembly: ReelHireAssembly, name: FunctionName | string): CfnResource => {
  const id = logicalIds.function(name);
  const resource = assembly.templates.stateless.Resources[id];
  if (resource?.Type !== 'AWS::Lambda::Function')
    throw new Error(`no function ${id} in the stateless template`);
  return resource;
};

/** The directory holding a function's bundle (`index.mjs` and its source map), from its `aws:asset:path`. */
export const assetDirOf = (assembly: ReelHireAssembly, name: FunctionName | string): string => {
  const assetPath = functionResourceOf(assembly, name).Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new Error(`function ${name} has no aws:asset:path metadata`);
  return path.resolve(assembly.outdir, assetPath);
};

/** The bundled entry file of a function, importable with `import()`; its export `handler` is the handler. */
export const bundledHandlerFileOf = (assembly: ReelHireAssembly, name: FunctionName | string): string =>
  path.join(assetDirOf(assembly, name), 'index.mjs');

/**
 * A readable, cross-stack reference for an intrinsic: `{Ref: Table}` → `Table`, `{Fn::GetAtt: [Q, Arn]}` →
 * `Q.Arn`, an `Fn::ImportValue` or `Fn::GetStackOutput` → what the stateful stack outputs, `Fn::Join` → the joined
 * text, pseudo parameters → `${AWS::Region}`. Throws on anything else.
 */
export const resolveReference = (assembly: ReelHireAssembly, value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isJsonObject(value)) {
    const ref = value.Ref;
    if (typeof ref === 'string') return ref.startsWith('AWS::') ? `\${${ref}}` : ref;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `${String(getAtt[0])}.${String(getAtt[1])}`;
    const imported = value['Fn::ImportValue'];
    if (typeof imported === 'string') {
      const exported = Object.values(assembly.templates.stateful.Outputs ?? {}).find(
        (output) => output.Export?.Name === imported,
      );
      if (exported === undefined) throw new Error(`nothing exports ${imported}`);
      return resolveReference(assembly, exported.Value);
    }
    const stackOutput = value['Fn::GetStackOutput'];
    if (isJsonObject(stackOutput) && typeof stackOutput.OutputName === 'string') {
      const output = assembly.templates.stateful.Outputs?.[stackOutput.OutputName];
      if (output === undefined) throw new Error(`the stateful stack has no output ${stackOutput.OutputName}`);
      return resolveReference(assembly, output.Value);
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part: unknown) => resolveReference(assembly, part)).join(join[0]);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
};
