import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { eventually } from '../../local/testing/eventually.ts';
import type { RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';
import { reelhire } from '../support/reelhire-cli.ts';

/**
 * The local console in a real headless browser (Debian's chromium, driven by playwright-core) against
 * `npm start`; what it must show is put there with the CLI, as a user would.
 */

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Bounded waits for what the page shows: it polls once a second, the handlers work behind the bus. */
const SHOWN_WITHIN_MS = 120_000;

let stack: RunningNpmStart;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const send = async (entries: unknown): Promise<void> => {
  const file = join(tmpdir(), `${unique('console-events')}.json`);
  await writeFile(file, JSON.stringify(entries));
  const result = await reelhire(['send', file], { env: { REELHIRE_URL: stack.url } });
  expect(result.code, result.stderr).toBe(0);
};

const videoPosted = (detail: object) => {
  const sample = sampleOf(EVENTS.videoPosted);
  return { ...sample, detail: { ...(sample.detail as object), ...detail } };
};

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack(),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A lookup of a video without links is answered 404, which chromium logs; that is the API, not an error.
    if (message.type() === 'error' && !/status of 404/.test(message.text())) pageErrors.push(message.text());
  });
  const response = await page.goto(`${stack.url}/_console`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop('SIGINT');
});

describe('the local console at /_console', () => {
  it('is a plain accessible page that goes live', async () => {
    await expect(page.title()).resolves.toBe('ReelHire local console');
    for (const name of [
      "A video's links",
      'Recent bus events',
      'Applications',
      'Functions',
      'Dead-letter queues',
    ])
      await page.getByRole('heading', { name, level: 2 }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: SHOWN_WITHIN_MS });
    await page.getByRole('button', { name: 'Pause live updates' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows an event sent with the CLI, the rule it matched and the function that ran', async () => {
    const videoId = unique('console-video');
    await send(videoPosted({ videoId }));
    const row = page.getByRole('row').filter({ hasText: videoId }).filter({ hasText: 'Video Posted' });
    await row.waitFor({ timeout: SHOWN_WITHIN_MS });
    await expect(row.getByRole('cell').nth(2).textContent()).resolves.toBe('reelhire.tiktok');
    await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('reelhire-dev-VideoEvents');

    const videoEvents = page.locator('#functions').getByRole('row').filter({ hasText: 'VideoEvents' });
    await videoEvents.waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(Number(await videoEvents.getByRole('cell').first().textContent())).toBeGreaterThanOrEqual(1);
  });

  it("shows an invocation's logs when its row is opened", async () => {
    await send(videoPosted({ videoId: unique('console-logs') }));
    const invocation = page
      .locator('#invocations')
      .getByRole('row')
      .filter({ hasText: 'VideoEvents' })
      .first();
    await invocation.waitFor({ timeout: SHOWN_WITHIN_MS });
    await invocation.getByText('logs', { exact: true }).click();
    // The function's EMF line, as it wrote it: what this invocation did.
    await invocation
      .locator('pre')
      .filter({ hasText: '"EventsProcessed":1' })
      .waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(pageErrors).toEqual([]);
  });

  it('shows a dead-lettered event with its reason, as text even when it carries markup', async () => {
    const markup = `<img src=x id=${unique('injected')}>`;
    await send({
      source: 'reelhire.api',
      'detail-type': 'Video Posted',
      detail: { platform: 'tiktok', videoId: markup },
    });
    const queue = page.getByRole('article', { name: 'VideoEvents dead-letter queue' });
    await queue
      .getByRole('heading', { name: 'VideoEvents: 1 message' })
      .waitFor({ timeout: SHOWN_WITHIN_MS });
    await expect(queue.locator('.reason').first().textContent()).resolves.toMatch(/detail\.accountId/);
    await page.getByRole('row').filter({ hasText: markup }).first().waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(await page.locator('img').count()).toBe(0);
  });

  it('shows an application, its status and its history', async () => {
    const env = { REELHIRE_URL: stack.url };
    const profileId = unique('prof');
    const jobId = unique('job');
    const trigger = async (...args: string[]) =>
      expect((await reelhire(['trigger', ...args], { env })).code).toBe(0);
    await trigger('contra.profile-updated', '--profile-id', profileId, '--version', '1');
    await trigger('contra.job-published', '--job-id', jobId, '--notify-url', 'http://127.0.0.1:9/unused');
    const token = (await reelhire(['token', profileId], { env })).stdout.trim();
    // The job reaches the table moments after its webhook: 404 until then.
    const applied = await eventually(
      async () => {
        const response = await fetch(`${stack.url}/jobs/${jobId}/applications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        return response.status === 404 ? undefined : ((await response.json()) as { applicationId: string });
      },
      { timeoutMs: SHOWN_WITHIN_MS, what: 'the application accepted' },
    );
    await fetch(`${stack.url}/applications/${applied.applicationId}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const row = page.locator('#applications').getByRole('row').filter({ hasText: applied.applicationId });
    await row.filter({ hasText: 'withdrawn' }).waitFor({ timeout: SHOWN_WITHIN_MS });
    await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('@maya.designs');
    await row.getByText('2 changes').click();
    await expect(row.locator('li').allTextContents()).resolves.toEqual([
      expect.stringMatching(/submitted by applicant$/),
      expect.stringMatching(/withdrawn by applicant$/),
    ]);

    // The job's funnel counts the application, withdrawn or not, once the log is delivered (15 s buffer).
    await page.getByLabel('Job id').fill(jobId);
    const totals = page
      .getByRole('table', { name: `Funnel of job ${jobId}` })
      .getByRole('row')
      .filter({ hasText: 'All (with or without via)' });
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Show funnel' }).click();
        await totals.waitFor({ timeout: 5_000 });
        const cells = await totals.getByRole('cell').allTextContents();
        return cells.join(' ') === 'All (with or without via) 0 0 1 0' ? cells : undefined;
      },
      { timeoutMs: SHOWN_WITHIN_MS, what: 'the job funnel to count the application' },
    );
    expect(pageErrors).toEqual([]);
  });

  it("finds a video's links", async () => {
    const profileId = unique('prof');
    const videoId = unique('console-linked');
    const env = { REELHIRE_URL: stack.url };
    expect(
      (
        await reelhire(['trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1'], {
          env,
        })
      ).code,
    ).toBe(0);
    expect((await reelhire(['trigger', 'tiktok.video-posted', '--video-id', videoId], { env })).code).toBe(0);
    await page
      .getByRole('row')
      .filter({ hasText: videoId })
      .filter({ hasText: 'Link Changed' })
      .waitFor({ timeout: SHOWN_WITHIN_MS });

    await page.getByLabel('Platform').selectOption('tiktok');
    await page.getByLabel('Video id').fill(videoId);
    await page.getByRole('button', { name: 'Show links' }).click();
    const links = page.getByLabel(`Links of tiktok video ${videoId}`);
    await links
      .getByRole('link', { name: 'https://contra.com/maya_designs' })
      .waitFor({ timeout: SHOWN_WITHIN_MS });
    await expect(links.textContent()).resolves.toContain(`profile ${profileId}`);

    // Two taps on the portfolio link; the lookup shows them once the log is delivered (15 s buffer).
    for (let tap = 0; tap < 2; tap++) {
      const answer = await fetch(`${stack.url}/links/tiktok/${videoId}/portfolio`, { redirect: 'manual' });
      expect(answer.status).toBe(302);
    }
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Show links' }).click();
        const taps = page.getByLabel(`Taps of tiktok video ${videoId}`);
        await taps.waitFor({ timeout: 5_000 });
        return (await taps.textContent()) === 'Taps: 2 on View My Portfolio, 0 on Apply' ? true : undefined;
      },
      { timeoutMs: SHOWN_WITHIN_MS, what: 'the video’s two taps' },
    );

    await page.getByLabel('Video id').fill(unique('unknown-video'));
    await page.getByRole('button', { name: 'Show links' }).click();
    await page
      .getByText(/^No active link on tiktok video unknown-video-/)
      .waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(pageErrors).toEqual([]);

    // The README's picture of the console: this page, the linked video looked up again.
    await page.getByLabel('Video id').fill(videoId);
    await page.getByRole('button', { name: 'Show links' }).click();
    await links
      .getByRole('link', { name: 'https://contra.com/maya_designs' })
      .waitFor({ timeout: SHOWN_WITHIN_MS });
    await page.setViewportSize({ width: 1280, height: 900 });
    // From the top: the title, the video's links and taps, the job's funnel, then the bus events.
    await page.evaluate('window.scrollTo(0, 0)');
    const screenshot = await page.screenshot({ fullPage: false });
    expect(screenshot.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([screenshot.readUInt32BE(16), screenshot.readUInt32BE(20)]).toEqual([1280, 900]);
    // Written over the committed picture only when asked (REELHIRE_UPDATE_SCREENSHOTS=1), so a test run leaves
    // the working tree as it was.
    if (process.env.REELHIRE_UPDATE_SCREENSHOTS === '1')
      await writeFile(new URL('../../docs/images/console.png', import.meta.url), screenshot);
  });
});
