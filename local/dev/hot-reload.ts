import { type FSWatcher, watch } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readCloudAssembly } from '../../lib/assembly.ts';
import { logicalIds } from '../../lib/names.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import { shortNameOf } from '../logs/function-logs.ts';
import { bundleFunction, stackBundling, writeBundle } from './function-bundler.ts';

/**
 * `npm start`'s hot reload. Saving a file under functions/ or events/ rebundles only the functions whose bundles
 * include it (esbuild's metafile inputs, known from a first build of each function in the background) with the
 * stack's own bundling settings, and swaps their code: invocations under way finish on the old code, the next
 * ones run the new. A bundle that fails (a syntax error) leaves the function on its previous code. Then a synth
 * in the background confirms the bundles; where its bundle differs, the synthesized one is run. A change under
 * lib/ re-synthesizes and reloads the whole template (onTemplateChange).
 */

/** Editors write a file in several steps; one batch waits this long after the last event. */
const DEBOUNCE_MS = 100;
/** A synth confirms after the edits have paused this long. */
const SYNTH_AFTER_MS = 1_000;
const SOURCE_FILE = /\.(?:[cm]?[jt]s|json)$/;

export interface HotReloadOptions {
  readonly projectDir: string;
  /** The running stack's functions (a template reload replaces them). */
  readonly functions: () => ReadonlyMap<string, LocalFunction>;
  readonly log: (line: string) => void;
  /** Synthesizes the project (`cdk synth`) and returns the assembly directory. */
  readonly synthesize: () => Promise<string>;
  /** A lib/ file changed: synthesize and run the new template. */
  readonly onTemplateChange: (assemblyDir: string) => Promise<void>;
}

export interface HotReload {
  /** Settles once every function's inputs are known (the first background build). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

const errorText = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join('\n    ');

export const startHotReload = (options: HotReloadOptions): HotReload => {
  const { projectDir, log } = options;
  const relative = (file: string) => path.relative(projectDir, file);
  /** Each function's bundle inputs, by short name. */
  const inputs = new Map<string, ReadonlySet<string>>();
  /** The bundles the hot reload built and runs, by short name, until a synth confirms or replaces them. */
  const unconfirmed = new Map<string, Uint8Array>();
  const outRoot = mkdtemp(path.join(tmpdir(), 'reelhire-hot-'));
  let builds = 0;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;

  const byShortName = () =>
    new Map([...options.functions().values()].map((fn) => [shortNameOf(fn.definition), fn] as const));

  const index = async () => {
    for (const name of byShortName().keys()) {
      if (stopped) return;
      try {
        inputs.set(name, (await bundleFunction(projectDir, name)).inputs);
      } catch (error) {
        log(`! hot reload: ${name} does not bundle (${errorText(error)}); it reloads once it does`);
      }
    }
  };
  const ready = stackBundling()
    .then(async () => {
      const started = performance.now();
      await index();
      log(
        `↻ Hot reload: watching functions/, events/ and lib/ (${inputs.size} functions indexed in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    })
    .catch((error: unknown) => log(`! hot reload is off: ${errorText(error)}`));

  const reloadFunctions = async (changed: readonly string[]) => {
    const functions = byShortName();
    const affected = [...functions.keys()].filter((name) => {
      const used = inputs.get(name);
      return used === undefined || changed.some((file) => used.has(file));
    });
    if (affected.length === 0) {
      log(`↻ ${changed.map(relative).join(', ')}: no function includes it`);
      return;
    }
    const started = performance.now();
    const outcomes = await Promise.allSettled(affected.map((name) => bundleFunction(projectDir, name)));
    const reloaded: string[] = [];
    for (const [position, outcome] of outcomes.entries()) {
      const name = affected[position] ?? '';
      const fn = functions.get(name);
      if (!fn) continue;
      if (outcome.status === 'rejected') {
        log(
          `✗ ${name} did not bundle, it keeps running its previous code:\n    ${errorText(outcome.reason)}`,
        );
        continue;
      }
      inputs.set(name, outcome.value.inputs);
      builds += 1;
      const handlerFile = await writeBundle(outcome.value, path.join(await outRoot, `${name}-${builds}`));
      const initError = await fn.replaceCode({
        handlerUrl: pathToFileURL(handlerFile).href,
        sourceMaps: fn.definition.sourceMaps,
      });
      if (initError)
        log(`✗ ${name}: its new code fails to load (${initError.errorType}: ${initError.errorMessage})`);
      unconfirmed.set(name, outcome.value.files.get(path.basename(handlerFile)) ?? new Uint8Array());
      reloaded.push(name);
    }
    if (reloaded.length === 0) return;
    log(
      `↻ reloaded ${reloaded.join(', ')} in ${Math.round(performance.now() - started)} ms (${changed.map(relative).join(', ')})`,
    );
    scheduleSynth();
  };

  /**
   * The synth's bundles against the ones running: the same confirms them, a different one replaces them. A
   * function reloaded again while the synth ran waits for the next synth, which that reload scheduled.
   */
  const confirm = async () => {
    const expected = new Map(unconfirmed);
    if (expected.size === 0 || stopped) return;
    const started = performance.now();
    let assemblyDir: string;
    try {
      assemblyDir = await options.synthesize();
    } catch (error) {
      log(`! the background synth failed; the reloaded functions keep their bundles: ${errorText(error)}`);
      return;
    }
    if (stopped) return;
    const resources = readCloudAssembly(assemblyDir).flatMap((stack) =>
      Object.entries(stack.template.Resources).map(([logicalId, resource]) => ({
        stack,
        logicalId,
        resource,
      })),
    );
    const confirmed: string[] = [];
    const replaced: string[] = [];
    for (const [name, running] of expected) {
      if (unconfirmed.get(name) !== running) continue;
      unconfirmed.delete(name);
      const found = resources.find((candidate) => candidate.logicalId === logicalIds.function(name));
      const assetPath = found?.resource.Metadata?.['aws:asset:path'];
      const fn = byShortName().get(name);
      if (!found || typeof assetPath !== 'string' || !fn) continue;
      const handlerFile = path.join(
        path.resolve(found.stack.assemblyDir, assetPath),
        path.basename(new URL(fn.definition.handlerUrl).pathname),
      );
      const synthesized = await readFile(handlerFile).catch(() => undefined);
      if (synthesized?.equals(running)) {
        confirmed.push(name);
        continue;
      }
      replaced.push(name);
      await fn.replaceCode({
        handlerUrl: pathToFileURL(handlerFile).href,
        sourceMaps: fn.definition.sourceMaps,
      });
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (confirmed.length > 0)
      log(`✓ the synth (${seconds} s) confirms the bundles of ${confirmed.join(', ')}`);
    if (replaced.length > 0)
      log(
        `! the synth (${seconds} s) bundled ${replaced.join(', ')} differently: running the synthesized bundles`,
      );
  };

  /** One synth at a time, beside the reloads (which never wait for it). */
  let synths: Promise<void> = Promise.resolve();
  let synthTimer: NodeJS.Timeout | undefined;
  const scheduleSynth = () => {
    clearTimeout(synthTimer);
    synthTimer = setTimeout(() => {
      synths = synths
        .then(confirm)
        .catch((error: unknown) => log(`! the background synth: ${errorText(error)}`));
    }, SYNTH_AFTER_MS);
  };

  const reloadTemplate = async (changed: readonly string[]) => {
    log(`↻ ${changed.map(relative).join(', ')} changed: synthesizing and reloading the template …`);
    const started = performance.now();
    try {
      await options.onTemplateChange(await options.synthesize());
    } catch (error) {
      log(`✗ the template was not reloaded, the stack runs the previous one: ${errorText(error)}`);
      return;
    }
    unconfirmed.clear();
    inputs.clear();
    await index();
    log(`↻ template reloaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };

  let pending = new Set<string>();
  let debounce: NodeJS.Timeout | undefined;
  const changedFile = (file: string) => {
    if (!SOURCE_FILE.test(file)) return;
    pending.add(file);
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const changed = [...pending];
      pending = new Set();
      queue = queue
        .then(() => ready)
        .then(() =>
          changed.some((file) => file.startsWith(path.join(projectDir, 'lib') + path.sep))
            ? reloadTemplate(changed)
            : reloadFunctions(changed),
        )
        .catch((error: unknown) => log(`✗ hot reload failed: ${errorText(error)}`));
    }, DEBOUNCE_MS);
  };

  const watchers: FSWatcher[] = ['functions', 'events', 'lib'].map((directory) => {
    const root = path.join(projectDir, directory);
    return watch(root, { recursive: true }, (_event, file) => {
      if (file) changedFile(path.join(root, file.toString()));
    });
  });

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(debounce);
      clearTimeout(synthTimer);
      for (const watcher of watchers) watcher.close();
      // A synth under way is not waited for: the stack is stopping, and `cdk` gets the same Ctrl-C.
      await rm(await outRoot, { recursive: true, force: true });
    },
  };
};
