import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiKeyOf } from '#employers/employer.ts';
import type { SecuritySchemeName } from '#shared/http-operations.ts';
import { viewerToken } from '../../local/testing/viewer-tokens.ts';
import { seedApplicantAndJobs } from './fixtures.ts';
import type { Answer, HostileRun } from './hostile-run.ts';

/**
 * Who the attacks on the employer and applicant APIs play with: two employers with a job each, two applicants,
 * and their applications (applicant one to both jobs, applicant two to the first employer's); and every route
 * that takes an employer key or a viewer token, read from the stack's own `GET /openapi.json`, so that a route
 * added later is attacked too.
 */

export interface Employer {
  readonly employerId: string;
  readonly jobId: string;
  /** Its current key (replaced by a rotation). */
  key: string;
}

export interface Applicant {
  readonly profileId: string;
}

export interface Parties {
  /** The employer under attack: two applications. */
  readonly victim: Employer;
  /** Another employer with a key of its own: one application. */
  readonly other: Employer;
  /** Applied to both jobs. */
  readonly first: Applicant;
  /** Applied to the victim's job only. */
  readonly second: Applicant;
  /** The victim's applications, the first applicant's first. */
  readonly victimApplications: readonly [string, string];
  /** The other employer's application (of the first applicant). */
  readonly otherApplication: string;
}

/** A route that takes a credential, as the OpenAPI document describes it. */
export interface SecuredRoute {
  readonly method: 'GET' | 'POST';
  /** With `{param}`s. */
  readonly path: string;
  readonly scheme: Extract<SecuritySchemeName, 'employerKey' | 'viewerToken'>;
  readonly pathParameters: readonly string[];
  readonly queryParameters: readonly string[];
}

interface OpenApiOperation {
  readonly security?: readonly Readonly<Record<string, unknown>>[];
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
}

export const securedRoutes = async (run: HostileRun): Promise<SecuredRoute[]> => {
  const answer = await run.send('/openapi.json');
  const document = JSON.parse(answer.body) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const routes: SecuredRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const scheme = Object.keys(operation.security?.[0] ?? {})[0];
      if (scheme !== 'employerKey' && scheme !== 'viewerToken') continue;
      const upper = method.toUpperCase();
      if (upper !== 'GET' && upper !== 'POST') continue;
      const named = (where: string) =>
        (operation.parameters ?? []).filter((parameter) => parameter.in === where).map(({ name }) => name);
      routes.push({
        method: upper,
        path,
        scheme,
        pathParameters: named('path'),
        queryParameters: named('query'),
      });
    }
  }
  return routes;
};

/** A route's path for an application (of a job): `{applicationId}` and `{webhookId}` name it, `{jobId}` its job. */
const pathOf = (route: SecuredRoute, applicationId: string, jobId: string): string =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(name === 'jobId' ? jobId : applicationId),
  );

/** A well-formed body for the route, so that a refusal is the credential's doing and not the body's. */
const bodyOf = (route: SecuredRoute): string | undefined => {
  if (route.method !== 'POST') return undefined;
  if (route.path.endsWith('/status')) return JSON.stringify({ status: 'reviewing' });
  if (route.path === '/employer/test') return JSON.stringify({ url: 'https://127.0.0.1:9/unused' });
  return '{}';
};

/**
 * A request with a credential (none when undefined). An employer's 429 (its 10 a second) is waited out as a
 * client would, Retry-After seconds, so that what is judged is the answer to the attack and not the limit.
 */
export const sendAs = async (
  run: HostileRun,
  authorization: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<Answer> => {
  for (let attempt = 1; ; attempt++) {
    const answer = await run.send(path, {
      method,
      headers: {
        ...(authorization === undefined ? {} : { authorization }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    });
    if (answer.status !== 429 || attempt >= 20) return answer;
    await sleep(Math.min(2_000, 1_000 * Number(answer.headers.get('retry-after') ?? 1)));
  }
};

/** A route called for an application (of a job), with a well-formed body: what is judged is the credential or the id. */
export const callRoute = (
  run: HostileRun,
  route: SecuredRoute,
  authorization: string | undefined,
  applicationId: string,
  jobId: string,
): Promise<Answer> =>
  sendAs(run, authorization, route.method, pathOf(route, applicationId, jobId), bodyOf(route));

export const bearer = (token: string): string => `Bearer ${token}`;

export const viewerBearer = async (run: HostileRun, applicant: Applicant): Promise<string> =>
  bearer(await viewerToken(run.system.secrets.VIEWER_TOKEN_SECRET, applicant.profileId, { expiresIn: 3600 }));

const apply = async (run: HostileRun, applicant: Applicant, jobId: string): Promise<string> => {
  const answer = await sendAs(
    run,
    await viewerBearer(run, applicant),
    'POST',
    `/jobs/${encodeURIComponent(jobId)}/applications`,
    '{}',
  );
  const { applicationId } = JSON.parse(answer.body) as { applicationId?: string };
  if (answer.status !== 201 || !applicationId)
    throw new Error(`could not apply to ${jobId}: ${answer.status} ${answer.body.slice(0, 200)}`);
  return applicationId;
};

export const seedParties = async (run: HostileRun): Promise<Parties> => {
  const suffix = randomBytes(4).toString('hex');
  const master = run.system.secrets.EMPLOYER_SIGNING_KEY;
  const employer = (name: string): Employer => {
    const employerId = `emp-${name}-${suffix}`;
    return { employerId, jobId: `job-${name}-${suffix}`, key: apiKeyOf(master, employerId, 0) };
  };
  const victim = employer('victim');
  const other = employer('other');
  const first = { profileId: `applicant-one-${suffix}` };
  const second = { profileId: `applicant-two-${suffix}` };
  // Notifications go nowhere: the delivery log still lists them.
  const notifyUrl = 'http://127.0.0.1:9/unused';
  await seedApplicantAndJobs(
    run.system,
    first.profileId,
    [victim, other].map(({ jobId, employerId }) => ({ jobId, employerId, notifyUrl })),
  );
  await seedApplicantAndJobs(run.system, second.profileId, []);
  const firstToVictim = await apply(run, first, victim.jobId);
  const secondToVictim = await apply(run, second, victim.jobId);
  const otherApplication = await apply(run, first, other.jobId);
  return {
    victim,
    other,
    first,
    second,
    victimApplications: [firstToVictim, secondToVictim],
    otherApplication,
  };
};
