import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { employerSecret } from '#notify/employer-secret.ts';
import { addressCategory } from '#notify/ip-address.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { viewerToken } from '../../local/testing/viewer-tokens.ts';
import { seedApplicantAndJobs } from './fixtures.ts';
import type { HostileRun } from './hostile-run.ts';

/**
 * SSRF through the employer notification (CONTRACT §4): a job whose `notifyUrl` points at the metadata
 * service, a private, loopback or unique-local address, or a host name that resolves to one, is never
 * contacted: the notification fails at once ("refused") and is dead-lettered. A `notifyUrl` that redirects to
 * such an address is not followed. Each job gets a real application through the running stack.
 */

const EMPLOYER = 'employer-ssrf';

/** A name this machine resolves to a non-public address (its own host name, from /etc/hosts), if any. */
const privateHostName = async (): Promise<string | undefined> => {
  const name = hostname();
  try {
    const addresses = await lookup(name, { all: true });
    return addresses.length > 0 && addresses.every(({ address }) => addressCategory(address) !== 'public')
      ? name
      : undefined;
  } catch {
    return undefined;
  }
};

export const ssrfAttacks = async (run: HostileRun): Promise<void> => {
  const secret = employerSecret(run.system.secrets.EMPLOYER_SIGNING_KEY, EMPLOYER);
  const internal = await EmployerServer.start(secret, { status: 200 });
  const toMetadata = await EmployerServer.start(secret, {
    status: 302,
    headers: { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' },
  });
  const toInternal = await EmployerServer.start(secret, {
    status: 307,
    headers: { location: internal.url('/admin') },
  });
  try {
    const privateName = await privateHostName();
    const refusedTargets: [string, string][] = [
      ['the metadata service 169.254.169.254', 'https://169.254.169.254/latest/meta-data/'],
      ['10.0.0.0/8', 'https://10.0.0.1/hooks'],
      ['172.16.0.0/12', 'https://172.16.0.1/hooks'],
      ['192.168.0.0/16', 'https://192.168.1.1/hooks'],
      ['127.0.0.0/8 (not the local exception)', 'https://127.0.0.2/hooks'],
      ['::1', 'https://[::1]/hooks'],
      ['fc00::/7', 'https://[fc00::1]/hooks'],
      ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks'],
      ...(privateName
        ? [
            [
              `a host name resolving to a private address (${privateName})`,
              `https://${privateName}/hooks`,
            ] as [string, string],
          ]
        : []),
    ];
    const redirects: [string, EmployerServer][] = [
      ['a redirect to the metadata service', toMetadata],
      ['a redirect to a loopback service', toInternal],
    ];
    const suffix = randomBytes(4).toString('hex');
    const profileId = `ssrf-applicant-${suffix}`;
    const jobs = [
      ...refusedTargets.map(([name, notifyUrl], index) => ({
        name,
        notifyUrl,
        jobId: `ssrf-${suffix}-${index}`,
      })),
      ...redirects.map(([name, server], index) => ({
        name,
        notifyUrl: server.url('/hooks'),
        jobId: `ssrf-${suffix}-redirect-${index}`,
      })),
    ];
    await seedApplicantAndJobs(
      run.system,
      profileId,
      jobs.map(({ jobId, notifyUrl }) => ({ jobId, notifyUrl, employerId: EMPLOYER })),
    );
    const token = await viewerToken(run.system.secrets.VIEWER_TOKEN_SECRET, profileId);
    const applicationIds = new Map<string, string>();
    for (const job of jobs) {
      const answer = await run.send(`/jobs/${job.jobId}/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
      });
      if (answer.status === 201) {
        applicationIds.set(job.jobId, (JSON.parse(answer.body) as { applicationId: string }).applicationId);
      } else {
        run.record('SSRF', `notifyUrl: ${job.name}`, false, `applying answered ${answer.status}`);
      }
    }

    for (const job of jobs.slice(0, refusedTargets.length)) {
      const applicationId = applicationIds.get(job.jobId);
      if (!applicationId) continue;
      const failed = await eventually(
        () =>
          run
            .publishedMentioning(`"applicationId":"${applicationId}"`)
            .find((event) => event['detail-type'] === 'Application Notification Failed'),
        { timeoutMs: 60_000, what: `the notification of ${job.notifyUrl} to fail` },
      ).catch(() => undefined);
      const error = String((failed?.detail as { error?: unknown } | undefined)?.error ?? '');
      run.record('SSRF', `notifyUrl: ${job.name}`, /refused/.test(error), error || 'no failure announced');
    }

    for (const [index, [name, server]] of redirects.entries()) {
      const job = jobs[refusedTargets.length + index]!;
      const applicationId = applicationIds.get(job.jobId);
      if (!applicationId) continue;
      const attempt = await eventually(
        () =>
          run.system.logs.find(
            (line) => line.includes(applicationId) && line.includes('employer notification attempt'),
          ),
        { timeoutMs: 60_000, what: `the first notification attempt of ${job.jobId}` },
      ).catch(() => undefined);
      const notFollowed = attempt?.includes('redirects are not followed') === true;
      run.record(
        'SSRF',
        `notifyUrl: ${name}`,
        server.received.length >= 1 && notFollowed && internal.received.length === 0,
        `redirector hit ${server.received.length}×, redirect target hit ${internal.received.length}×: ${attempt ?? 'no attempt logged'}`,
      );
    }
  } finally {
    await Promise.all([internal.close(), toMetadata.close(), toInternal.close()]);
  }
};
