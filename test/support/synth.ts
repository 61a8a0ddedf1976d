import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import {
  assetDirOf,
  bundledHandlerFileOf,
  type CfnTemplate,
  functionResourceOf,
  type ReelHireAssembly,
  readAssembly,
} from '../../lib/assembly.ts';
import type { FunctionName } from '../../lib/functions.ts';
import type { StackKind } from '../../lib/names.ts';

/**
 * The synthesized dev stack for tests: templates and bundles, synthesized once per run by global-setup (or
 * reused while the sources are unchanged, see lib/synthesize.ts). A file run without that setup synthesizes
 * through the same cache on first use; call `synthesized()` in a `beforeAll` then, since a first build of the
 * bundles can outlast a test's timeout on a busy machine.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory of the cloud assembly synthesized by global-setup. */
    reelhireCdkOut?: string;
    /** Why global-setup could not synthesize. */
    reelhireCdkOutError?: string;
  }
}

/** In a child process, so that test files never load aws-cdk-lib; the cache makes repeated calls cheap. */
const synthesizeInChild = (): string =>
  execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../../bin/synth-cached.ts', import.meta.url))],
    // esbuild's progress goes to stderr; execFileSync puts it in the error if the synth fails.
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 },
  ).trim();

let assembly: ReelHireAssembly | undefined;

export const synthesized = (): ReelHireAssembly => {
  const failure = inject('reelhireCdkOutError');
  if (failure !== undefined) throw new Error(`cdk synth failed in global-setup: ${failure}`);
  assembly ??= readAssembly(inject('reelhireCdkOut') ?? synthesizeInChild());
  return assembly;
};

export const templateOf = (kind: StackKind): CfnTemplate => synthesized().templates[kind];

/** A function's environment as synthesized (values may be intrinsics: Ref, Fn::GetAtt, Fn::ImportValue…). */
export const environmentOf = (name: FunctionName): Readonly<Record<string, unknown>> => {
  const environment = functionResourceOf(synthesized(), name).Properties?.Environment;
  const variables = (environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  if (variables === undefined) throw new Error(`function ${name} has no environment`);
  return variables;
};

/** Directory of a function's bundle in the synthesized output (`index.mjs`, `index.mjs.map`). */
export const bundleDirOf = (name: FunctionName): string => assetDirOf(synthesized(), name);

/** The bundled handler file of a function. */
export const bundledHandlerOf = (name: FunctionName): string => bundledHandlerFileOf(synthesized(), name);

export type BundledHandler = (event: unknown, context?: unknown) => Promise<unknown>;

let imports = 0;

/**
 * Imports a function's bundle from the synthesized output (the built artifact, not the TS source) and returns
 * its `handler`. Set the environment the handler reads at module load (TABLE_NAME, …) before calling; each
 * call imports a fresh copy, so a changed environment takes effect.
 */
export const importBundledHandler = async (name: FunctionName): Promise<BundledHandler> => {
  imports += 1;
  const url = `${pathToFileURL(bundledHandlerOf(name)).href}?copy=${imports}`;
  const module: unknown = await import(/* @vite-ignore */ url);
  const handler = typeof module === 'object' && module !== null ? Reflect.get(module, 'handler') : undefined;
  if (typeof handler !== 'function') throw new Error(`the bundle of ${name} exports no handler function`);
  return handler as BundledHandler;
};
