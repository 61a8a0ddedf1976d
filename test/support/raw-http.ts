import { type IncomingHttpHeaders, request } from 'node:http';

/**
 * A request with node:http, which sends the Host and Origin it is given (fetch would replace the Host): what a
 * browser sends to a name rebound to loopback, or with a cross-origin request.
 */

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export const sendRaw = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () =>
        resolve({
          status: answer.statusCode ?? 0,
          headers: answer.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });

/** The CORS headers of an answer: a refusal must carry none. */
export const corsHeadersOf = (answer: RawAnswer): string[] =>
  Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
