import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import type {
  ApplicationReceived,
  ApplicationWithdrawnNotification,
  EndpointTest,
} from '#notify/notification.ts';
import { currentEmployerSecret } from './employer-credentials.ts';
import { note } from './output.ts';
import { urlOption } from './target.ts';

/**
 * `reelhire employer listen`: a tiny employer endpoint on loopback that verifies each notification
 * (`application.received`, `application.withdrawn`, `endpoint.test`) with the standardwebhooks library and the
 * employer's current secret, prints it, and answers 200 (401 when the signature does not verify), until
 * Ctrl-C. The README tour shows an application, then its withdrawal, arriving here.
 */

interface ListenOptions {
  readonly port: number;
  readonly employerId: string;
  readonly url: string;
  readonly json?: boolean;
}

type Notification = ApplicationReceived | ApplicationWithdrawnNotification | EndpointTest;

const MAX_BODY_BYTES = 1_048_576;

const port = (value: string): number => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) throw new InvalidArgumentError('a port number is expected.');
  return number;
};

const readBody = (request: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined),
    );
    request.on('error', reject);
  });

const headerValues = (request: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      typeof value === 'string' ? [[name, value]] : Array.isArray(value) ? [[name, value.join(', ')]] : [],
    ),
  );

const describe = (notification: Notification, webhookId: string): string[] => {
  const verified = `(webhook-id ${webhookId}, signature verified)`;
  switch (notification.type) {
    case 'application.received': {
      const { data } = notification;
      const { applicant } = data;
      return [
        `${notification.type}  ${data.applicationId}  ${verified}`,
        `  job        ${data.jobId}  "${data.jobTitle}"  (employer ${data.employerId})`,
        `  applicant  ${applicant.profileId}  ${applicant.displayName} (@${applicant.handle})  ${applicant.portfolioUrl}`,
        `  via        ${data.via ? `${data.via.platform} video ${data.via.videoId}` : 'none'}`,
        `  submitted  ${data.submittedAt}`,
      ];
    }
    case 'application.withdrawn': {
      const { data } = notification;
      return [
        `${notification.type}  ${data.applicationId}  ${verified}`,
        `  job        ${data.jobId}  (employer ${data.employerId})`,
        `  withdrawn  ${data.withdrawnAt}`,
      ];
    }
    case 'endpoint.test':
      return [`${notification.type}  ${verified}`, `  employer   ${notification.data.employerId}`];
  }
};

const listen = async (options: ListenOptions): Promise<void> => {
  const webhook = new Webhook(
    await currentEmployerSecret(options.employerId, { url: options.url, stage: 'dev' }),
  );
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST') {
        response.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        response.writeHead(413).end();
        return;
      }
      const headers = headerValues(request);
      let notification: Notification;
      try {
        notification = webhook.verify(body, headers) as Notification;
      } catch (error) {
        const reason = error instanceof WebhookVerificationError ? error.message : String(error);
        note(`refused a request to ${request.url}: ${reason} (401)`);
        response.writeHead(401, { 'content-type': 'text/plain' }).end(`${reason}\n`);
        return;
      }
      const webhookId = headers['webhook-id'] ?? '';
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ webhookId, notification })}\n`
          : `${describe(notification, webhookId).join('\n')}\n`,
      );
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    })().catch((error: unknown) => {
      note(`could not answer a request: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  note(
    `Listening on ${url} as employer ${options.employerId}: each notification is verified with its secret (Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
};

export const registerEmployer = (program: Command): void => {
  const employer = program.command('employer').summary("act as an employer's endpoint");
  employer
    .command('listen')
    .summary('receive and verify application notifications on loopback')
    .description(
      'Runs an employer endpoint on 127.0.0.1 that verifies each notification with the standardwebhooks ' +
        "library and the employer's current secret (derived from EMPLOYER_SIGNING_KEY, else its development " +
        'default, at the generation the running stack holds), ' +
        'prints it and answers 200; a request whose signature does not verify is answered 401. Point a job at it ' +
        'with `reelhire trigger contra.job-published --notify-url http://127.0.0.1:<port>/`.',
    )
    .addOption(new Option('--port <port>', 'the port (0: any free one)').default(4000).argParser(port))
    .option(
      '--employer-id <id>',
      'the employer whose secret verifies',
      parseDetail('jobPublished', sampleOf(EVENTS.jobPublished).detail).employerId,
    )
    .option('--json', 'print each verified notification as one JSON line')
    .addOption(urlOption())
    .action((options: ListenOptions) => listen(options));
};
