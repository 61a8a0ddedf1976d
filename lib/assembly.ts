import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isJsonObject } from '#shared/json.ts';
import { logicalIds, STACK_KINDS, type StackKind, stackIdOf } from './names.ts';
import type { FunctionName } from './routing.ts';

/**
 * Reads a synthesized cloud assembly (cdk.out): the two templates and each function's bundle directory. The
 * local runtime and the tests use this instead of guessing file names.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Description?: string;
  readonly Export?: { readonly Name: string };
}

export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, CfnOutput>>;
}

export interface ReelHireAssembly {
  readonly outdir: string;
  readonly stage: string;
  readonly templates: Readonly<Record<StackKind, CfnTemplate>>;
}

/** Reads the templates of the given stage from an assembly directory. */
export const readAssembly = (outdir: string, stage = 'dev'): ReelHireAssembly => {
  const templates = Object.fromEntries(
    STACK_KINDS.map((kind) => {
      const file = path.join(outdir, `${stackIdOf(stage, kind)}.template.json`);
      if (!existsSync(file))
        throw new Error(`${file} not found: was stage ${stage} synthesized to ${outdir}?`);
      return [kind, JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate];
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
 * `Q.Arn`, an `Fn::ImportValue` → what the stateful stack exports under that name, `Fn::Join` → the joined
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
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part: unknown) => resolveReference(assembly, part)).join(join[0]);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
};
