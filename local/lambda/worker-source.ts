import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

let compiled: Promise<URL> | undefined;

/**
 * The worker's code as a data: URL. Compiling worker.ts here (it imports only built-ins) lets the same runtime
 * start workers under tsx, under vitest and from a bundle, without a TypeScript loader in every worker thread.
 */
export const workerModuleUrl = (): Promise<URL> => {
  compiled ??= (async () => {
    const source = await readFile(new URL('./worker.ts', import.meta.url), 'utf8');
    const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
    return new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  })();
  return compiled;
};
