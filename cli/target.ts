import { InvalidArgumentError, Option } from 'commander';
import { RemoteError } from './cli-error.ts';

/**
 * Where the commands find a running stack unless told otherwise: `npm start` on 127.0.0.1 at PORT, the same
 * variable `npm start` reads (3000 when unset), so one environment serves both.
 */
export const defaultUrl = (env: NodeJS.ProcessEnv = process.env): string => {
  const port = env.PORT?.trim();
  return `http://127.0.0.1:${port && /^\d{1,5}$/.test(port) && Number(port) > 0 ? Number(port) : 3000}`;
};

const parseUrl = (value: string): string => {
  if (!URL.canParse(value)) throw new InvalidArgumentError('not a URL.');
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('not http(s).');
  return url.origin + url.pathname.replace(/\/+$/, '');
};

/** `--url`, else REELHIRE_URL, else `npm start` at PORT. */
export const urlOption = (): Option =>
  new Option('--url <url>', 'the running ReelHire stack (its HTTP API, PutEvents and SQS endpoints)')
    .env('REELHIRE_URL')
    .default(defaultUrl())
    .argParser(parseUrl);

export const jsonOption = (): Option => new Option('--json', 'print JSON, for scripts');

export const regionOption = (what: string): Option =>
  new Option(
    '--region <region>',
    `use ${what} of a deployed stack in this AWS region (usual credentials chain)`,
  );

/**
 * AWS SDK settings: a deployed stack through the usual credentials chain when a region is given, else the
 * local endpoint of `npm start`, where any credentials but a function's act as the account's administrator.
 */
export const awsClientConfig = (target: { readonly url: string; readonly region?: string | undefined }) =>
  target.region
    ? { region: target.region }
    : {
        endpoint: target.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      };

/** fetch, with "cannot reach" turned into a one-line remote failure that says what to check. */
export const fetchStack = async (url: string, init?: RequestInit): Promise<Response> => {
  try {
    return await fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new RemoteError(`cannot reach ${new URL(url).origin} (${cause}); is \`npm start\` running there?`);
  }
};

/** A response body as JSON when it is JSON, else as text. */
export const bodyOf = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (/json/.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
};

/** The `detail` of a problem+json answer, or the body itself, on one line. */
export const problemDetail = (body: unknown): string => {
  if (typeof body === 'object' && body !== null && 'detail' in body) return String(body.detail);
  return (typeof body === 'string' ? body : JSON.stringify(body)).replace(/\s+/g, ' ').slice(0, 300);
};
