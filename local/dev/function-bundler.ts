import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type BuildOptions, build } from 'esbuild';

/**
 * Bundles one function as the stack bundles it, for the hot reload: the esbuild options are read from the stack's
 * own bundling settings (FUNCTION_BUNDLING in lib/constructs/reelhire-function.ts) and entries (FUNCTIONS in
 * lib/functions.ts), turned into esbuild's options the way aws-cdk-lib's NodejsFunction turns them into its
 * command line. A setting this does not translate stops the hot reload of functions (a synth still works).
 * Both modules are loaded on first use: the settings pull in aws-cdk-lib, which npm start otherwise never loads.
 */

export interface FunctionBundle {
  /** Absolute paths of every file the bundle includes (esbuild's metafile inputs). */
  readonly inputs: ReadonlySet<string>;
  /** The bundle's files by name (index.mjs, index.mjs.map). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

interface StackBundling {
  readonly entries: ReadonlyMap<string, string>;
  readonly options: BuildOptions;
}

const TRANSLATED = new Set([
  'forceDockerBundling',
  'bundleAwsSDK',
  'minify',
  'sourceMap',
  'sourcesContent',
  'format',
  'target',
  'mainFields',
  'banner',
]);

let loaded: Promise<StackBundling> | undefined;

/** The stack's bundling settings as esbuild options; loads aws-cdk-lib once (about a second), so call it early. */
export const stackBundling = (): Promise<StackBundling> => {
  loaded ??= (async (): Promise<StackBundling> => {
    const [{ FUNCTION_BUNDLING }, { FUNCTIONS }] = await Promise.all([
      import('../../lib/constructs/reelhire-function.ts'),
      import('../../lib/functions.ts'),
    ]);
    const untranslated = Object.keys(FUNCTION_BUNDLING).filter((key) => !TRANSLATED.has(key));
    if (untranslated.length > 0)
      throw new Error(
        `the hot reload cannot bundle with ${untranslated.join(', ')}; restart npm start instead`,
      );
    const format = String(FUNCTION_BUNDLING.format) as 'esm' | 'cjs';
    return {
      entries: new Map(Object.entries(FUNCTIONS).map(([name, spec]) => [name, spec.entry])),
      options: {
        bundle: true,
        platform: 'node',
        target: FUNCTION_BUNDLING.target,
        format,
        minify: FUNCTION_BUNDLING.minify,
        // NodejsFunction's sourceMap: true is esbuild's --sourcemap (a linked .map file).
        sourcemap: FUNCTION_BUNDLING.sourceMap ? 'linked' : false,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: { js: FUNCTION_BUNDLING.banner },
        // With bundleAwsSDK nothing is external; otherwise the runtime's own SDK is.
        external: FUNCTION_BUNDLING.bundleAwsSDK ? [] : ['@aws-sdk/*'],
      },
    };
  })();
  return loaded;
};

/**
 * Bundles the function `name` (its key in lib/functions.ts) from `projectDir`; throws esbuild's error (a syntax
 * error, an import that does not resolve) as it is.
 */
export const bundleFunction = async (projectDir: string, name: string): Promise<FunctionBundle> => {
  const { entries } = await stackBundling();
  const entry = entries.get(name);
  if (entry === undefined) throw new Error(`lib/functions.ts has no function ${name}`);
  return bundleEntry(projectDir, entry);
};

/** Bundles an entry file (relative to `projectDir`) as the stack bundles a function's. */
export const bundleEntry = async (projectDir: string, entry: string): Promise<FunctionBundle> => {
  const { options } = await stackBundling();
  const outfile = path.join(projectDir, '.reelhire-hot', options.format === 'esm' ? 'index.mjs' : 'index.js');
  const result = await build({
    ...options,
    absWorkingDir: projectDir,
    entryPoints: [path.join(projectDir, entry)],
    outfile,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    inputs: new Set(Object.keys(result.metafile.inputs).map((input) => path.resolve(projectDir, input))),
    files: new Map(result.outputFiles.map((file) => [path.basename(file.path), file.contents])),
  };
};

/** Writes a bundle's files into `dir`; returns the handler module's path. */
export const writeBundle = async (bundle: FunctionBundle, dir: string): Promise<string> => {
  await mkdir(dir, { recursive: true });
  await Promise.all([...bundle.files].map(([name, contents]) => writeFile(path.join(dir, name), contents)));
  const handler = [...bundle.files.keys()].find((name) => /^index\.[cm]?js$/.test(name));
  if (!handler) throw new Error(`the bundle in ${dir} has no index module`);
  return path.join(dir, handler);
};
