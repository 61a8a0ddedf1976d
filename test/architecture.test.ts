import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../lib/functions.ts';

/**
 * The layout rule of issue #18, checked on the source text so that breaking it fails here:
 * functions/<name>.ts is one wiring-only entry per Lambda; code lives in functions/commons/<feature>/ and
 * functions/commons/shared/; only the DynamoDB adapters (dynamo-*.ts) and shared/aws/ reach the AWS SDK; rules
 * are pure; lib/ and every harness reach functions code through the package.json aliases.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMMONS = 'functions/commons';
const FEATURES = [
  'links',
  'apply',
  'applications',
  'employers',
  'notify',
  'webhooks',
  'websub',
  'api-docs',
  'funnel',
];
const SKIPPED = new Set(['node_modules', 'cdk.out', '.git', 'results']);

const sourceFiles = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(relative);
    return /\.(ts|js|mjs|css|html)$/.test(entry.name) ? [relative] : [];
  });

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Import {
  readonly specifier: string;
  /** `import type …`, or braces holding only `type` names: erased at build time. */
  readonly typeOnly: boolean;
}

const importsOf = (file: string): Import[] => {
  const text = read(file);
  const statements = [...text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s*'([^']+)'/gms)].map(
    ([, typeKeyword, clause = '', specifier = '']) => {
      const names = /^\{([^}]*)\}$/s
        .exec(clause.trim())?.[1]
        ?.split(',')
        .map((name) => name.trim());
      const allTypes = names?.every((name) => name === '' || name.startsWith('type ')) ?? false;
      return { specifier, typeOnly: typeKeyword !== undefined || allTypes };
    },
  );
  const dynamic = [...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map(([, specifier = '']) => ({
    specifier,
    typeOnly: false,
  }));
  return [...statements, ...dynamic];
};

const ALIASES: Readonly<Record<string, string>> = JSON.parse(read('package.json')).imports;

/** Where an import lands, relative to the project root (undefined for a package). */
const resolveImport = (file: string, specifier: string): string | undefined => {
  if (specifier.startsWith('.'))
    return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  const alias = Object.keys(ALIASES).find((key) => specifier.startsWith(key.replace('*', '')));
  if (alias === undefined) return undefined;
  return path.posix.normalize(
    (ALIASES[alias] ?? '').replace('*', specifier.slice(alias.length - 1)).replace(/^\.\//, ''),
  );
};

/** `links` for functions/commons/links/…, `shared` for functions/commons/shared/…, else undefined. */
const folderOf = (file: string): string | undefined =>
  file.startsWith(`${COMMONS}/`) ? file.slice(COMMONS.length + 1).split('/')[0] : undefined;

/** The text without comments, so that words in them do not count as code. */
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

const entryFiles = readdirSync(path.join(ROOT, 'functions'), { withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => `functions/${entry.name}`);
const functionsFiles = sourceFiles('functions');
const commonsFiles = functionsFiles.filter((file) => file.startsWith(`${COMMONS}/`));

describe('one entry file per function, one shape', () => {
  it('has exactly the entry files that lib/functions.ts deploys', () => {
    expect([...entryFiles].sort()).toEqual(
      Object.values(FUNCTIONS)
        .map((spec) => spec.entry)
        .sort(),
    );
  });

  it.each(entryFiles)(
    '%s wires its ports at module scope and exports handler = create…Handler(ports)',
    (file) => {
      const text = code(read(file));
      expect(
        (read(file).match(/\n/g) ?? []).length,
        'a few lines: the factory lives with its feature',
      ).toBeLessThanOrEqual(30);
      expect([...text.matchAll(/^export\b.*$/gm)].map(([line]) => line)).toEqual([
        expect.stringMatching(/^export const handler = create[A-Z]\w*Handler\(/),
      ]);
      expect(text, 'no logic: no functions, branches, loops or state of its own').not.toMatch(
        /\b(function|class|if|for|while|switch|try|let|var)\b/,
      );
      for (const { specifier } of importsOf(file)) {
        expect(specifier, 'entries import features through their aliases').toMatch(
          /^#(shared|links|apply|applications|employers|notify|webhooks|websub|api-docs|funnel|events)\//,
        );
      }
    },
  );
});

describe('feature folders', () => {
  it('has an alias for each folder of functions/commons and for events/, and no other', () => {
    const folders = readdirSync(path.join(ROOT, COMMONS), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...folders].sort()).toEqual([...FEATURES, 'shared'].sort());
    expect(ALIASES).toEqual({
      ...Object.fromEntries(folders.map((folder) => [`#${folder}/*`, `./${COMMONS}/${folder}/*`])),
      '#events/*': './events/*',
    });
  });

  it('keeps features apart: shared imports no feature, a feature imports another only for a port type', () => {
    const crossings = commonsFiles.flatMap((file) =>
      importsOf(file)
        .filter(({ specifier, typeOnly }) => {
          const target = resolveImport(file, specifier);
          const from = folderOf(file);
          const to = target === undefined ? undefined : folderOf(target);
          if (to === undefined || to === from || to === 'shared') return false;
          return from === 'shared' || !typeOnly;
        })
        .map(({ specifier }) => `${file} → ${specifier}`),
    );
    expect(crossings).toEqual([]);
  });

  it('only the dynamo-*.ts adapters and shared/aws/ import the AWS SDK', () => {
    const sdkUsers = functionsFiles.filter((file) =>
      importsOf(file).some(({ specifier }) => specifier.startsWith('@aws-sdk/')),
    );
    expect(
      sdkUsers.filter(
        (file) => !/\/dynamo-[\w-]+\.ts$/.test(file) && !file.startsWith(`${COMMONS}/shared/aws/`),
      ),
    ).toEqual([]);
    // The adapters belong to a feature; shared/aws/ holds the clients every feature uses.
    expect(
      commonsFiles.filter(
        (file) =>
          /\/dynamo-[\w-]+\.ts$/.test(file) &&
          FEATURES.every((feature) => !file.startsWith(`${COMMONS}/${feature}/`)),
      ),
    ).toEqual([]);
  });
});

/** The pure rules of each folder: what a link is, ordering by instant, the subscription plan, the schedules… */
const RULES: Readonly<Record<string, readonly string[]>> = {
  shared: ['instant.ts', 'retry-delays.ts', 'json.ts', 'job-status.ts', 'application-views.ts', 'via.ts'],
  funnel: ['funnel-record.ts'],
  links: ['links.ts', 'link-changes.ts', 'refs.ts'],
  apply: ['apply-request.ts'],
  applications: ['application.ts'],
  employers: ['employer.ts'],
  notify: ['notification.ts', 'retry-schedule.ts', 'signature.ts', 'employer-secret.ts', 'ip-address.ts'],
  webhooks: [
    'tiktok.ts',
    'youtube.ts',
    'contra.ts',
    'verdict.ts',
    'signatures.ts',
    'safe-json.ts',
    'xml.ts',
    'delivery-ledger.ts',
  ],
  websub: ['subscription.ts', 'topics.ts', 'callback-token.ts', 'hub-retry.ts'],
};
const rulesFiles = Object.entries(RULES).flatMap(([folder, files]) =>
  files.map((file) => `${COMMONS}/${folder}/${file}`),
);
/** What a rule may run: other rules, the event catalog, and libraries that compute (no I/O, no clock). */
const PURE_PACKAGES = new Set(['zod', 'fast-xml-parser', 'node:crypto', 'node:net']);

describe('rules', () => {
  it.each(rulesFiles)('%s imports no AWS, no I/O and no clock of its own', (file) => {
    for (const { specifier, typeOnly } of importsOf(file)) {
      const target = resolveImport(file, specifier);
      const pure =
        target === undefined
          ? PURE_PACKAGES.has(specifier)
          : rulesFiles.includes(target) ||
            target.startsWith('events/') ||
            (typeOnly && !target.includes('/aws/'));
      expect(pure, `${file} imports ${specifier}`).toBe(true);
    }
    expect(code(read(file))).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now\(/);
  });
});

describe('boundaries of the other folders', () => {
  const outsideFunctions = ['lib', 'local', 'cli', 'bench', 'reliability', 'test', 'bin'].flatMap(
    sourceFiles,
  );

  it('reach functions/ only through the aliases (lib/ never imports ../functions)', () => {
    const relative = outsideFunctions.flatMap((file) =>
      importsOf(file)
        .filter(
          ({ specifier }) =>
            specifier.startsWith('.') && resolveImport(file, specifier)?.startsWith('functions/'),
        )
        .map(({ specifier }) => `${file} → ${specifier}`),
    );
    expect(relative).toEqual([]);
  });

  it('nothing outside test/ imports from test/: the bench and reliability harnesses depend on the product', () => {
    const importers = [...outsideFunctions, ...functionsFiles, ...sourceFiles('events')]
      .filter((file) => !file.startsWith('test/'))
      .flatMap((file) =>
        importsOf(file)
          .filter(({ specifier }) => resolveImport(file, specifier)?.startsWith('test/'))
          .map(({ specifier }) => `${file} → ${specifier}`),
      );
    expect(importers).toEqual([]);
  });

  it('test helpers shared by several folders live in test/support/, the one support folder', () => {
    const supportFolders = sourceFiles('test')
      .map((file) => path.posix.dirname(file))
      .filter((folder, index, folders) => folder.endsWith('/support') && folders.indexOf(folder) === index);
    expect(supportFolders).toEqual(['test/support']);
  });

  it('no file outside test/ is over 400 lines', () => {
    const long = [...outsideFunctions, ...functionsFiles, ...sourceFiles('events')]
      .filter((file) => !file.startsWith('test/'))
      .filter((file) => (read(file).match(/\n/g) ?? []).length > 400);
    expect(long).toEqual([]);
  });
});
