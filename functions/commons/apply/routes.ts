import * as z from 'zod';
import { applicationStatus, id, platform } from '#events/fields.ts';
import { APPLY_LIMITS_IN_WORDS } from '#shared/apply-limits.ts';
import { ProblemBody } from '#shared/http.ts';
import { bodyProblems, type Operations, routeKeysOf, tooManyRequests } from '#shared/http-operations.ts';
import { ApplyBody } from './apply-request.ts';

/** The applications API's routes, listed once with what they take and answer (lib/routing.ts, the handlers). */

/** What `POST /jobs/{jobId}/applications` answers: the application, new (201) or already there (200). */
export const ApplicationAccepted = z.object({
  applicationId: id,
  jobId: id,
  status: applicationStatus,
});

const JobPath = z.object({ jobId: id });

export const APPLICATIONS_API = {
  'GET /jobs/{jobId}/apply': {
    tag: 'apply',
    summary: 'The page a viewer lands on from an Apply link',
    path: JobPath,
    query: z.object({
      via: z
        .string()
        .optional()
        .describe(
          '`<platform>:<videoId>` from a tap, split at the first `:` (CONTRACT §8): counted with the view',
        ),
      platform: platform.optional().describe('with videoId: the video the viewer came from (`via`)'),
      videoId: id.optional(),
    }),
    responses: {
      200: {
        description: 'the job’s page, open or closed (HTML, never cached)',
        content: { 'text/html': z.string() },
      },
      404: {
        description: 'no such job: a page for a browser (Accept: text/html), problem+json for anything else',
        content: { 'text/html': z.string(), 'application/problem+json': ProblemBody },
      },
    },
  },
  'POST /jobs/{jobId}/applications': {
    tag: 'apply',
    summary: 'A viewer applies to the job with their own Contra profile',
    description:
      'One application per profile and job, ever. Checks in order: 413, 401, 404, 410, 422, 429; a repeat of an existing application answers 200 right after the token check, even if the job has closed since.',
    security: 'viewerToken',
    path: JobPath,
    requestBody: {
      required: false,
      description:
        'Optional. A well-formed `via` naming no video of the job is recorded as null; a malformed one, or a body that is not JSON, is 422.',
      content: { 'application/json': ApplyBody },
    },
    responses: {
      201: { description: 'a new application', content: { 'application/json': ApplicationAccepted } },
      200: {
        description: 'this profile already applied to this job: its current status',
        content: { 'application/json': ApplicationAccepted },
      },
      ...bodyProblems({
        401: 'a missing, invalid or expired viewer token',
        404: 'no such job',
        410: 'the job is closed',
        422: 'an unknown profile, or a bad body',
        503: 'viewer keys or the store are unavailable; try again',
      }),
      ...tooManyRequests(
        `over the apply limits (${APPLY_LIMITS_IN_WORDS}); Retry-After says in how many seconds a slot frees; nothing is written`,
      ),
    },
  },
} as const satisfies Operations;

export const APPLICATIONS_API_ROUTES = routeKeysOf(APPLICATIONS_API);
