import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../local/testing/eventually.ts';
import { freePort, type RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';
import { type RunningCommand, startCommand } from '../support/reelhire-cli.ts';
import { missingLines, readTour, type TourStep } from './readme-tour.ts';

/**
 * Follows the README tour as written: every command between its markers runs, in order, in one shell (so
 * `TOKEN=$(…)` carries over), against `npm start`, and prints what the README says it prints. The ports of the
 * README (3000, 4000) become free ones, the only liberty taken.
 */

const TOUR_PORT = '3000';
const EMPLOYER_PORT = '4000';

const tour = readTour();
const steps = tour.blocks.flatMap((block) => block.steps);
const isBackground = (step: TourStep) => /\bemployer listen\b/.test(step.command);
const isStack = (step: TourStep) => step.command === 'npm start';
const isInstall = (step: TourStep) => step.command === 'npm ci';

let stack: RunningNpmStart;
let employerPort: number;
let employer: RunningCommand | undefined;
let localize: (text: string) => string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startStack();
  employerPort = await freePort();
  const stackHost = new URL(stack.url).host;
  localize = (text) =>
    text
      .replaceAll(`127.0.0.1:${TOUR_PORT}`, stackHost)
      .replaceAll(`127.0.0.1:${EMPLOYER_PORT}`, `127.0.0.1:${employerPort}`)
      .replaceAll(`--port ${EMPLOYER_PORT}`, `--port ${employerPort}`);
  // REELHIRE_URL stands for the default port; offline npm proves `npx reelhire` needs no registry.
  env = { REELHIRE_URL: stack.url, npm_config_offline: 'true' };
});
afterAll(async () => {
  await employer?.stop();
  await stack?.stop('SIGINT');
});

describe('the README tour', () => {
  it('has the steps of a tour: start, an employer endpoint, triggers, links, a token, an application', () => {
    expect(steps.map((step) => step.command.split(' ').slice(0, 3).join(' '))).toEqual(
      expect.arrayContaining([
        'npm ci',
        'npm start',
        'npx reelhire employer',
        'npx reelhire trigger',
        'npx reelhire links',
        'TOKEN=$(npx reelhire token',
        'curl -s -X',
      ]),
    );
    expect(steps.filter(isBackground)).toHaveLength(1);
  });

  it('works exactly as written', async () => {
    // npm ci: the test runs in the installed tree. npm start: the stack of this file, whose output is checked.
    for (const step of steps.filter(isStack)) {
      expect(missingLines(step.expected.map(localize), stack.output()), 'npm start').toEqual([]);
    }
    const consoleUrl = /<(http:\/\/127\.0\.0\.1:\d+\/_console)>/.exec(tour.text)?.[1];
    expect(consoleUrl).toBeDefined();
    const consolePage = await fetch(localize(consoleUrl!));
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<title>ReelHire local console</title>');

    const background = steps.find(isBackground)!;
    employer = startCommand('bash', ['-c', localize(background.command)], env);
    await employer.waitFor(/Listening on /);

    const foreground = steps.filter((step) => !isBackground(step) && !isStack(step) && !isInstall(step));
    const marker = `@@tour-${randomUUID()}`;
    const script = foreground
      .map(
        (step, index) =>
          `printf '\\n${marker} ${index} start\\n'\n{\n${localize(step.command)}\n} 2>&1\nprintf '\\n${marker} ${index} exit %d\\n' "$?"`,
      )
      .join('\n');
    const shell = startCommand('bash', ['-c', script], env);
    try {
      await shell.waitFor(new RegExp(`${marker} ${foreground.length - 1} exit \\d+`), 540_000);
    } finally {
      await shell.stop();
    }

    const output = shell.output();
    foreground.forEach((step, index) => {
      const section = new RegExp(
        `${marker} ${index} start\\n([\\s\\S]*?)\\n${marker} ${index} exit (\\d+)`,
      ).exec(output);
      expect(section, `output of: ${step.command}`).not.toBeNull();
      const [, printed = '', exitCode] = section!;
      expect(exitCode, `exit code of: ${step.command}\n${printed}`).toBe('0');
      expect(
        missingLines(step.expected.map(localize), printed),
        `${step.command} printed:\n${printed}`,
      ).toEqual([]);
    });

    // The employer's terminal: what `employer listen` prints, then the application arriving there.
    const employerLines = [
      ...background.expected,
      ...tour.blocks.filter((block) => block.steps.length === 0).flatMap((block) => block.output),
    ].map(localize);
    await eventually(
      () => (missingLines(employerLines, employer!.output()).length === 0 ? true : undefined),
      {
        what: `the employer terminal to show:\n${employerLines.join('\n')}\nit shows:\n${employer.output()}`,
      },
    );
    const applicationId = /"applicationId":"([^"]+)"/.exec(output)?.[1];
    expect(employer.output()).toContain(
      `application.received  ${applicationId}  (webhook-id ${applicationId}`,
    );
  }, 240_000);
});
