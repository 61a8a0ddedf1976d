// The console's funnel: a job's funnel per video (its own form) and a video's taps (under its links).

import { $, element } from './dom.js';

const STEPS = [
  ['applyTaps', 'Apply taps'],
  ['applyPageViews', 'Page views'],
  ['applications', 'Applications'],
  ['hired', 'Hired'],
];

const read = async (query) => {
  const response = await fetch(`/_local/funnel?${new URLSearchParams(query)}`, { cache: 'no-store' });
  const body = await response.json();
  if (!response.ok || body.error) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
};

const countCells = (row) => STEPS.map(([step]) => element('td', { text: String(row[step]) }));

/** A job's funnel as a table: a row per video, then the totals. */
export const showJobFunnel = async (jobId, result) => {
  result.textContent = 'Counting…';
  try {
    const funnel = await read({ jobId });
    result.replaceChildren(
      element(
        'table',
        { attributes: { 'aria-label': `Funnel of job ${jobId}` } },
        element(
          'thead',
          {},
          element(
            'tr',
            {},
            element('th', { text: 'Video' }),
            ...STEPS.map(([, heading]) => element('th', { text: heading })),
          ),
        ),
        element(
          'tbody',
          {},
          ...funnel.videos.map((video) =>
            element(
              'tr',
              {},
              element('td', { text: `${video.platform} ${video.videoId}` }),
              ...countCells(video),
            ),
          ),
          element(
            'tr',
            {},
            element('td', { text: 'All (with or without via)' }),
            ...countCells(funnel.totals),
          ),
        ),
      ),
    );
  } catch (error) {
    result.replaceChildren(element('p', { className: 'bad', text: `Funnel failed: ${error.message}` }));
  }
};

/** A video's taps, as a line to show under its links. */
export const videoTapsLine = async (platform, videoId) => {
  try {
    const taps = await read({ platform, videoId });
    return element('p', {
      text: `Taps: ${taps.portfolioTaps} on View My Portfolio, ${taps.applyTaps} on Apply`,
      attributes: { 'aria-label': `Taps of ${platform} video ${videoId}` },
    });
  } catch (error) {
    return element('p', { className: 'bad', text: `Taps failed: ${error.message}` });
  }
};

$('#funnel-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const jobId = $('#funnel-job').value.trim();
  if (jobId !== '') void showJobFunnel(jobId, $('#funnel-result'));
});
