import { GuardedEmployerEndpoint } from '#notify/employer-endpoint.ts';
import { systemResolver } from '#notify/ssrf.ts';

/**
 * One POST through the notifier's employer endpoint (local mode, the system resolver), in a process of its own
 * so that the test can choose the certificate authorities it trusts (NODE_EXTRA_CA_CERTS is read at start-up).
 * Prints the outcome as JSON. Usage: `node --import tsx tls-post.ts <url>`.
 */
const [url] = process.argv.slice(2);
if (!url) throw new Error('usage: tls-post.ts <url>');
const outcome = await new GuardedEmployerEndpoint({ local: true, resolve: systemResolver }, 5_000).post({
  url,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ type: 'tls.probe' }),
});
process.stdout.write(JSON.stringify(outcome));
