import { beforeAll, describe, expect, it } from 'vitest';
import { createApplicantApiHandler } from '#applications/applicant-api-handler.ts';
import { viewerAuthenticator } from '#apply/viewer-authentication.ts';
import { sharedSecretVerifier } from '#apply/viewer-token.ts';
import type { HttpResponse } from '#shared/http.ts';
import { viewerToken } from '../../local/testing/viewer-tokens.ts';
import { type ApplicationsWorld, applicationsWorld } from '../support/applications-world.ts';
import { apiGatewayRequest, bearerRequest } from '../support/aws-inputs.ts';
import { useDynalite } from '../support/shared-resource.ts';

const SECRET = 'applicant-api-test-viewer-secret';

const dynamo = useDynalite();
let world: ApplicationsWorld;
let handle: ReturnType<typeof createApplicantApiHandler>;

beforeAll(async () => {
  world = applicationsWorld(dynamo, await dynamo.createTable('applicant'));
  handle = createApplicantApiHandler({
    authenticateViewer: viewerAuthenticator(sharedSecretVerifier(async () => [SECRET])),
    applications: world.applicant,
  });
});

const call = async (
  method: 'GET' | 'POST',
  path: string,
  profileId: string | undefined,
  query?: Record<string, string>,
) =>
  handle(
    bearerRequest(method, path, profileId === undefined ? undefined : await viewerToken(SECRET, profileId), {
      ...(query ? { query } : {}),
    }),
  );

const bodyOf = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

const expectProblem = (response: HttpResponse, status: number) => {
  expect(response.statusCode).toBe(status);
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  expect(bodyOf(response)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
};

describe('the applicant API', () => {
  it('answers 401 without a valid viewer token, before anything else', async () => {
    for (const path of ['/applications', '/applications/app_x']) {
      const response = await call('GET', path, undefined);
      expectProblem(response, 401);
      expect(response.headers?.['www-authenticate']).toBe('Bearer realm="reelhire"');
    }
    const forged = await handle(
      apiGatewayRequest({
        method: 'POST',
        path: '/applications/app_x/withdraw',
        routeKey: '$default',
        headers: {
          authorization: `Bearer ${await viewerToken('another-secret-of-at-least-32-bytes!!', 'p')}`,
        },
      }),
    );
    expectProblem(forged, 401);
  });

  it('lists the viewer’s own applications newest first, with cursors', async () => {
    const first = await world.apply();
    world.clock.advance(1000);
    const second = await world.apply();
    const response = await call('GET', '/applications', first.profileId);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['cache-control']).toBe('no-store');
    expect(bodyOf(response)).toEqual({
      items: [
        {
          applicationId: first.applicationId,
          jobId: first.jobId,
          jobTitle: first.jobTitle,
          status: 'submitted',
          history: [{ status: 'submitted', at: first.submittedAt, by: 'applicant' }],
          via: null,
          submittedAt: first.submittedAt,
          updatedAt: first.submittedAt,
        },
      ],
      nextCursor: null,
    });
    expect(bodyOf(await call('GET', '/applications', second.profileId)).items).toHaveLength(1);
  });

  it('refuses a bad limit or cursor with 400 problem+json', async () => {
    const { profileId } = await world.apply();
    const queries: Record<string, string>[] = [
      { limit: '0' },
      { limit: '101' },
      { limit: 'ten' },
      { cursor: 'nope' },
      { cursor: 'e30' },
    ];
    for (const query of queries) {
      expectProblem(await call('GET', '/applications', profileId, query), 400);
    }
  });

  it('shows one of the viewer’s applications, and 404 for another’s or none', async () => {
    const mine = await world.apply();
    const theirs = await world.apply();
    const response = await call('GET', `/applications/${mine.applicationId}`, mine.profileId);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ applicationId: mine.applicationId, status: 'submitted' });
    expectProblem(await call('GET', `/applications/${theirs.applicationId}`, mine.profileId), 404);
    expectProblem(await call('GET', '/applications/app_nothing', mine.profileId), 404);
    expectProblem(await call('GET', `/applications/${'x'.repeat(200)}`, mine.profileId), 404);
  });

  it('withdraws: 200 withdrawn, again 200 with nothing published, 404 for another’s, 409 when final', async () => {
    const mine = await world.apply({ employerId: 'emp_api' });
    world.publisher.events.length = 0;
    const path = `/applications/${mine.applicationId}/withdraw`;
    const first = await call('POST', path, mine.profileId);
    expect(first.statusCode).toBe(200);
    expect(bodyOf(first)).toMatchObject({
      status: 'withdrawn',
      history: [{}, { status: 'withdrawn', by: 'applicant' }],
    });
    const again = await call('POST', path, mine.profileId);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(world.publisher.ofType('Application Withdrawn')).toHaveLength(1);
    expectProblem(await call('POST', path, 'prof_intruder'), 404);

    const rejected = await world.apply({ employerId: 'emp_api' });
    await world.employer.setStatus('emp_api', rejected.applicationId, { status: 'rejected' });
    expectProblem(
      await call('POST', `/applications/${rejected.applicationId}/withdraw`, rejected.profileId),
      409,
    );
  });
});
