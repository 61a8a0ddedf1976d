import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { synthInputHash } from '../../lib/synth-cache.ts';
import { ensureSynthesized } from '../../local/synth.ts';

/**
 * The synth-or-reuse decision of `npm start`, on a throwaway project whose `cdk` is a stand-in that writes a
 * manifest and counts its runs: a real synth takes a minute, and what is tested here is when one happens.
 */
describe('npm start synthesizes only when the sources changed', () => {
  let project: string;
  const runs = async () => Number((await readFile(join(project, 'cdk-runs'), 'utf8').catch(() => '')).length);

  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'reelhire-synth-'));
    await mkdir(join(project, 'lib'));
    await mkdir(join(project, 'node_modules', '.bin'), { recursive: true });
    await writeFile(join(project, 'lib', 'stack.ts'), 'export const version = 1;\n');
    await writeFile(join(project, 'package-lock.json'), '{}');
    const cdk = join(project, 'node_modules', '.bin', 'cdk');
    await writeFile(
      cdk,
      [
        '#!/bin/sh',
        // Arguments: synth --quiet --output <dir>
        'if [ -f fail ]; then echo "stack is broken" >&2; exit 1; fi',
        'sleep 0.2',
        'printf x >> cdk-runs',
        'mkdir -p "$4" && echo "{}" > "$4/manifest.json"',
      ].join('\n'),
    );
    await chmod(cdk, 0o755);
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('synthesizes once, then reuses the output while nothing changed', async () => {
    const first = await ensureSynthesized({ projectDir: project, env: {} });
    expect(first).toMatchObject({ outdir: join(project, 'cdk.out'), synthesized: true });
    const second = await ensureSynthesized({ projectDir: project, env: {} });
    expect(second.synthesized).toBe(false);
    expect(await runs()).toBe(1);
  });

  it('synthesizes again when a source file or a REELHIRE_ setting changes, not for runtime settings', async () => {
    await ensureSynthesized({ projectDir: project, env: {} });
    await writeFile(join(project, 'lib', 'stack.ts'), 'export const version = 2;\n');
    expect((await ensureSynthesized({ projectDir: project, env: {} })).synthesized).toBe(true);
    expect(
      (await ensureSynthesized({ projectDir: project, env: { REELHIRE_STAGE: 'dev' } })).synthesized,
    ).toBe(true);
    expect(
      (
        await ensureSynthesized({
          projectDir: project,
          env: { REELHIRE_STAGE: 'dev', REELHIRE_DATA_DIR: '/data', PORT: '1' },
        })
      ).synthesized,
    ).toBe(false);
    expect(await runs()).toBe(3);
  });

  it('synthesizes once when two processes start together', async () => {
    const results = await Promise.all([
      ensureSynthesized({ projectDir: project, env: {} }),
      ensureSynthesized({ projectDir: project, env: {} }),
    ]);
    expect(results.map((result) => result.synthesized).sort()).toEqual([false, true]);
    expect(await runs()).toBe(1);
  });

  it('reports a failed synth with its output, and tries again next time', async () => {
    await writeFile(join(project, 'fail'), '');
    await expect(ensureSynthesized({ projectDir: project, env: {} })).rejects.toThrow(/stack is broken/);
    await rm(join(project, 'fail'));
    expect((await ensureSynthesized({ projectDir: project, env: {} })).synthesized).toBe(true);
  });
});

describe("what a synth depends on (shared by npm start and the tests' cached synth)", () => {
  let project: string;

  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'reelhire-synth-inputs-'));
    await mkdir(join(project, 'functions'));
    await writeFile(join(project, 'functions', 'handler.ts'), 'export const handler = 1;\n');
    await writeFile(join(project, 'package.json'), '{}');
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it("counts the handlers' code only when the functions are bundled, and their file names always", async () => {
    const hashes = async () => ({
      bundled: await synthInputHash({ projectDir: project, env: {} }),
      templatesOnly: await synthInputHash({ projectDir: project, env: {}, bundle: false }),
    });
    const before = await hashes();
    expect(before.bundled).not.toBe(before.templatesOnly);

    await writeFile(join(project, 'functions', 'handler.ts'), 'export const handler = 2;\n');
    const edited = await hashes();
    expect(edited.bundled).not.toBe(before.bundled);
    expect(edited.templatesOnly).toBe(before.templatesOnly);

    await writeFile(join(project, 'functions', 'other.ts'), '');
    expect((await hashes()).templatesOnly).not.toBe(before.templatesOnly);
  });

  it("counts the REELHIRE_ settings and the caller's salt, not runtime settings or other variables", async () => {
    const hash = (env: NodeJS.ProcessEnv, salt?: unknown) =>
      synthInputHash({ projectDir: project, env, salt });
    const plain = await hash({});
    expect(await hash({ REELHIRE_DATA_DIR: '/data', REELHIRE_CDK_OUT: '/out', PORT: '1' })).toBe(plain);
    expect(await hash({ REELHIRE_STAGE: 'prod' })).not.toBe(plain);
    expect(await hash({}, { context: { stage: 'prod' } })).not.toBe(plain);
  });
});
