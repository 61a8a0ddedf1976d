import { createHash } from 'node:crypto';
import type { HttpResponse } from '#shared/http.ts';
import type { JobStatus } from '#shared/job-status.ts';

/**
 * The page a viewer lands on from an Apply link: mobile-first, accessible, no framework. The viewer's token
 * is never in the HTML: the Contra app hands it over in the URL fragment (`#token=…`, which browsers do not
 * send to servers) and the script keeps it in sessionStorage for the one POST.
 */

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );

const STYLE = `
:root { color-scheme: light dark; --accent: #1d4ed8; --text: #111827; --muted: #4b5563; --surface: #ffffff; }
@media (prefers-color-scheme: dark) {
  :root { --accent: #93c5fd; --text: #f9fafb; --muted: #d1d5db; --surface: #111827; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--text); background: var(--surface); }
main { max-width: 32rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.eyebrow { color: var(--muted); margin: 0 0 .25rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1.5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
ul { padding-left: 1.25rem; }
button { width: 100%; min-height: 3rem; margin-top: 1.5rem; border: 0; border-radius: .5rem;
  font: inherit; font-weight: 600; color: var(--surface); background: var(--accent); cursor: pointer; }
button:disabled { opacity: .6; cursor: not-allowed; }
button:focus-visible { outline: 3px solid var(--text); outline-offset: 3px; }
#status { min-height: 1.5rem; margin-top: 1rem; }
`.trim();

// Reads the token from the fragment (then removes it from the address bar), posts once, says what happened.
const SCRIPT = `
(() => {
  const button = document.getElementById('apply');
  const status = document.getElementById('status');
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has('token')) {
    sessionStorage.setItem('reelhire.viewerToken', fragment.get('token'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem('reelhire.viewerToken');
  const query = new URLSearchParams(location.search);
  // A tap's ?via=<platform>:<videoId>, split at the first ':' (CONTRACT §8); else ?platform=&videoId=.
  const tapped = query.get('via') || '';
  const colon = tapped.indexOf(':');
  const via = colon > 0
    ? { platform: tapped.slice(0, colon), videoId: tapped.slice(colon + 1) }
    : query.get('platform') && query.get('videoId')
      ? { platform: query.get('platform'), videoId: query.get('videoId') } : undefined;
  if (!token) {
    status.textContent = 'Open this page from the Contra app to apply with your profile.';
    button.disabled = true;
    return;
  }
  const messages = {
    201: 'Done: your application is on its way to the employer.',
    200: 'You have already applied to this job.',
    401: 'Your Contra sign-in has expired. Open the link again from the Contra app.',
    404: 'This job no longer exists.',
    410: 'This job is no longer taking applications.',
    422: 'Your Contra profile could not be used. Check that it is complete and try again.',
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'Sending your application…';
    try {
      const response = await fetch(location.pathname.replace(/\\/apply\\/?$/, '/applications'), {
        method: 'POST',
        headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
        body: JSON.stringify(via ? { via } : {}),
      });
      status.textContent = messages[response.status] || 'Something went wrong. Please try again.';
      if (response.status >= 500) button.disabled = false;
    } catch {
      status.textContent = 'No connection. Please try again.';
      button.disabled = false;
    }
  });
})();
`.trim();

const sha256 = (content: string): string =>
  `'sha256-${createHash('sha256').update(content).digest('base64')}'`;

/** Only the inline style and script above may run, and the script may only talk to this origin. */
const APPLY_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const page = (title: string, content: string, withScript: boolean): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
</main>
${withScript ? `<script>${SCRIPT}</script>` : ''}
</body>
</html>
`;

const SHARES = `<section aria-labelledby="shares">
<h2 id="shares">What applying shares</h2>
<p>The employer receives, from your Contra profile:</p>
<ul>
<li>your handle and display name</li>
<li>the link to your Contra portfolio</li>
<li>the video you came from, if any</li>
</ul>
<p>Nothing else: not your email address, not your phone number.</p>
</section>`;

const html = (status: number, body: string): HttpResponse => ({
  statusCode: status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': APPLY_PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Open and closed can change at any moment (closesAt), so the page is never served from a cache.
    'cache-control': 'no-store',
  },
  body,
});

export const applyPage = (status: JobStatus): HttpResponse => {
  if (status.kind === 'unknown') {
    return html(
      404,
      page(
        'Job not found · ReelHire',
        `<h1>Job not found</h1>
<p>This job does not exist. The link may be mistyped, or the job was never published.</p>`,
        false,
      ),
    );
  }
  const title = status.job.title ?? 'This job';
  const employer = status.job.employerId
    ? `<p class="eyebrow">Job on Contra · posted by ${escapeHtml(status.job.employerId)}</p>`
    : '<p class="eyebrow">Job on Contra</p>';
  if (status.kind === 'closed') {
    return html(
      200,
      page(
        `${title} (closed) · ReelHire`,
        `${employer}
<h1>${escapeHtml(title)}</h1>
<p id="status" role="status"><strong>This job is closed.</strong> It no longer takes applications.</p>`,
        false,
      ),
    );
  }
  return html(
    200,
    page(
      `Apply: ${title} · ReelHire`,
      `${employer}
<h1>${escapeHtml(title)}</h1>
${SHARES}
<button type="button" id="apply">Apply with my Contra profile</button>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>Applying needs JavaScript: please enable it, or open the job in the Contra app.</p></noscript>`,
      true,
    ),
  );
};
