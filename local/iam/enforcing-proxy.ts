import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { refuseForeignAwsCall } from '../http/local-only.ts';
import type { RequestGuard } from './request-guard.ts';

/**
 * An HTTP front that enforces IAM for an AWS endpoint that does not (dynalite for DynamoDB): each request is
 * read, decided by the guard, and either refused with the service's own error or forwarded unchanged. The
 * local-only guard comes first: the front rewrites Host for its upstream, which would otherwise launder a
 * rebound one.
 */
export const enforcingProxy = (guard: RequestGuard, upstream: string) => {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const listener = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (refuseForeignAwsCall(request, response, [])) return;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const refused = await guard.check({
      method: request.method ?? 'POST',
      url: request.url ?? '/',
      headers: request.headers,
      body,
    });
    if (refused) {
      response.writeHead(refused.status, refused.headers);
      response.end(refused.body);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const forwarded = httpRequest(
        {
          agent,
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: target.host },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      forwarded.on('error', reject);
      forwarded.end(body);
    });
  };
  return Object.assign(listener, { close: () => agent.destroy() });
};
