import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '#notify/employer-endpoint.ts';

const run = promisify(execFile);

/**
 * The notifier's employer endpoint over real TLS: a certificate authority made here with openssl, an https
 * employer on loopback, and the endpoint in a child process that trusts that authority (or not). The
 * connection goes to the address the SSRF guard checked, and the certificate must still be valid for the
 * host name of the notifyUrl.
 */

const opensslMissing = await run('openssl', ['version']).then(
  () => false,
  () => true,
);
if (opensslMissing && process.env.CI) throw new Error('openssl is required in CI (.ci/run installs it)');

interface Received {
  readonly servername: string | false;
  readonly body: string;
}

const openssl = (dir: string, ...args: string[]) => run('openssl', args, { cwd: dir });

/** A CA, and two certificates it signs: one for localhost, one for another name. */
const makeCertificates = async (dir: string) => {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    dir,
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=ReelHire test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  for (const [name, altNames] of [
    ['localhost', 'DNS:localhost,IP:127.0.0.1'],
    ['other', 'DNS:employer.example'],
  ] as const) {
    await openssl(dir, 'req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    await writeFile(join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
    await openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
};

const employer = async (dir: string, name: string, received: Received[]) => {
  // The name the client asked for in its TLS hello (SNI); one connection at a time here.
  let servername: string | false = false;
  const server: Server = createServer(
    {
      key: await readFile(join(dir, `${name}.key`)),
      cert: await readFile(join(dir, `${name}.pem`)),
      SNICallback: (asked, done) => {
        servername = asked;
        done(null);
      },
    },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ servername, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
};

describe.skipIf(opensslMissing)('employer notifications over TLS', () => {
  let dir: string;
  const received: Received[] = [];
  const servers: Server[] = [];
  let trusted: number;
  let misnamed: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelhire-tls-'));
    await makeCertificates(dir);
    const good = await employer(dir, 'localhost', received);
    const bad = await employer(dir, 'other', received);
    servers.push(good.server, bad.server);
    trusted = good.port;
    misnamed = bad.port;
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const post = async (url: string, trustTestAuthority: boolean): Promise<DeliveryOutcome> => {
    const { NODE_EXTRA_CA_CERTS: _ignored, ...env } = process.env;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'tls-post.ts'), url],
      { env: trustTestAuthority ? { ...env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') } : env },
    );
    return JSON.parse(stdout) as DeliveryOutcome;
  };

  it('delivers to a host whose certificate a trusted authority signed, with SNI for its name', async () => {
    const before = received.length;
    expect(await post(`https://localhost:${trusted}/hooks`, true)).toEqual({
      kind: 'delivered',
      status: 204,
      durationMs: expect.any(Number),
    });
    expect(received.slice(before)).toEqual([{ servername: 'localhost', body: '{"type":"tls.probe"}' }]);
  });

  it('refuses a certificate made out to another name, and sends nothing', async () => {
    const before = received.length;
    const outcome = await post(`https://localhost:${misnamed}/hooks`, true);
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/altnames|does not match/i),
    });
    expect(received.length).toBe(before);
  });

  it('refuses a certificate no trusted authority signed, and sends nothing', async () => {
    const before = received.length;
    const outcome = await post(`https://localhost:${trusted}/hooks`, false);
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/self[- ]signed|unable to (verify|get local issuer)/i),
    });
    expect(received.length).toBe(before);
  });
});
