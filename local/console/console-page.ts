import { readFileSync } from 'node:fs';
import type { HttpReply } from '../http/payload-v2.ts';

/**
 * The local console (`GET /_console`, local mode only): one static page and its scripts, which poll
 * `/_local/activity` for the bus events and the rules they matched, the functions' invocations and errors and
 * the dead-letter queues, and look up a video's links through the API. No build step: the files are served
 * as written.
 */
export const CONSOLE_PATH = '/_console';

const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  [CONSOLE_PATH]: { file: 'console.html', type: 'text/html; charset=utf-8' },
  [`${CONSOLE_PATH}/`]: { file: 'console.html', type: 'text/html; charset=utf-8' },
  [`${CONSOLE_PATH}/console.js`]: { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  // The modules console.js imports.
  [`${CONSOLE_PATH}/dom.js`]: { file: 'dom.js', type: 'text/javascript; charset=utf-8' },
  [`${CONSOLE_PATH}/applications.js`]: { file: 'applications.js', type: 'text/javascript; charset=utf-8' },
  [`${CONSOLE_PATH}/funnel.js`]: { file: 'funnel.js', type: 'text/javascript; charset=utf-8' },
  [`${CONSOLE_PATH}/console.css`]: { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/** Only this page's own files and the same-origin API: what it shows comes from outside and stays inert. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const contents = new Map<string, Buffer>();

/** The console's page or asset at `path`, or undefined when the path is not the console's. */
export const consoleAsset = (path: string): HttpReply | undefined => {
  const asset = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined;
  if (asset === undefined) return undefined;
  let body = contents.get(asset.file);
  if (body === undefined) {
    body = readFileSync(new URL(`./${asset.file}`, import.meta.url));
    contents.set(asset.file, body);
  }
  return { statusCode: 200, headers: { 'content-type': asset.type, ...SECURITY_HEADERS }, cookies: [], body };
};
