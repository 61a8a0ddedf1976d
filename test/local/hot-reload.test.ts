import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../local/testing/eventually.ts';
import { PROJECT_ROOT, type RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';

/**
 * npm start's hot reload, on a copy of the project (so that the test can edit a handler): a saved handler runs
 * without a restart, only the functions that include it are rebundled, and a syntax error keeps the old code.
 */

/** What the stack is built from; node_modules is linked, not copied. */
const PROJECT_ENTRIES = [
  'bin',
  'cli',
  'events',
  'functions',
  'lib',
  'local',
  'types',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'cdk.json',
];
const HANDLER = path.join('functions', 'commons', 'links', 'links-api-handler.ts');
/** The start of /health's answer: an edit replaces it, whatever follows it on the line. */
const HEALTH = "json(200, { status: 'ok' }";

let project: string;
let stack: RunningNpmStart;
let original: string;

const editHealth = (replacement: string) =>
  writeFile(path.join(project, HANDLER), original.replace(HEALTH, replacement));

const health = async (): Promise<unknown> => (await (await fetch(`${stack.url}/health`)).json()) as unknown;

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'reelhire-hot-project-'));
  await Promise.all(
    PROJECT_ENTRIES.map((entry) =>
      cp(path.join(PROJECT_ROOT, entry), path.join(project, entry), { recursive: true }),
    ),
  );
  await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'));
  original = await readFile(path.join(project, HANDLER), 'utf8');
  expect(original).toContain(HEALTH);
  // The shared synth's bundles are the copy's (same sources); --watch turns the hot reload on for it.
  stack = await startStack({}, ['--watch'], project);
  await eventually(() => (/Hot reload: watching/.test(stack.output()) ? true : undefined), {
    what: 'the hot reload to index the functions',
  });
});

afterAll(async () => {
  await stack?.stop('SIGINT');
  if (project) await rm(project, { recursive: true, force: true });
});

describe('hot reload', () => {
  it('runs a saved handler without a restart, rebundling only the functions that include it', async () => {
    expect(await health()).toEqual({ status: 'ok' });
    const saved = Date.now();
    await editHealth("json(200, { status: 'ok', reloaded: 'first edit' }");
    await eventually(
      async () => ((await health()) as { reloaded?: string }).reloaded === 'first edit' || undefined,
      {
        intervalMs: 50,
        what: 'GET /health to answer from the edited handler',
      },
    );
    // Measured, not asserted (CONTRACT: performance is the bench's); the README quotes it.
    console.log(`hot reload: edit → new behaviour in ${Date.now() - saved} ms`);
    const reloaded = /↻ reloaded (.+) in \d+ ms \(functions\/commons\/links\/links-api-handler\.ts\)/.exec(
      stack.output(),
    );
    expect(reloaded?.[1]).toBe('linksApi');
  });

  it('keeps the previous code of a function whose edit does not bundle, and says why', async () => {
    await editHealth("json(200, { status: 'ok', reloaded: 'broken' ");
    await eventually(
      () =>
        /✗ linksApi did not bundle, it keeps running its previous code/.test(stack.output())
          ? true
          : undefined,
      {
        what: 'the bundle error to be reported',
      },
    );
    expect(stack.output()).toMatch(/links-api-handler\.ts:\d+:\d+: ERROR: Expected "\}" but found "\)"/);
    expect(await health()).toEqual({ status: 'ok', reloaded: 'first edit' });
  });
});
