import { randomBytes } from 'node:crypto';
import { apiKeyOf } from '#employers/employer.ts';
import { bearer, callRoute, type Parties, type SecuredRoute, sendAs, viewerBearer } from './api-parties.ts';
import type { AttackKind, HostileRun } from './hostile-run.ts';

/**
 * Credentials on the employer and applicant APIs (CONTRACT §6): a forged employer key, a key rotated away, a
 * viewer token where an employer key is asked and the reverse are each refused with 401 on every route that
 * takes one, publishing nothing; another employer's key reaches none of the victim's applications (404, and
 * lists without them). Controls: the genuine keys and tokens work.
 */

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Keys an attacker can make for the victim without its master key. */
const forgedKeys = (parties: Parties, master: string): [string, string | undefined][] => {
  const { victim, other } = parties;
  const key = victim.key;
  const mac = key.slice(key.indexOf('.') + 1);
  const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
  return [
    ['no Authorization header', undefined],
    ['an empty bearer', 'Bearer '],
    [
      'a random MAC on the victim’s id',
      bearer(`rhk_${b64(victim.employerId)}.${randomBytes(32).toString('base64url')}`),
    ],
    ['the victim’s key under another master key', bearer(apiKeyOf(`${master}-not`, victim.employerId, 0))],
    ['the victim’s key of a generation not yet issued', bearer(apiKeyOf(master, victim.employerId, 1))],
    ['the victim’s key with its last character changed', bearer(flipped)],
    ['the victim’s MAC under the other employer’s id', bearer(`rhk_${b64(other.employerId)}.${mac}`)],
    ['the victim’s key upper-cased', bearer(key.toUpperCase())],
    ['the victim’s key with a character appended', bearer(`${key}A`)],
    ['the victim’s key as Basic credentials', `Basic ${key}`],
  ];
};

/** Every route of a scheme, at the victim's first application, refuses a credential with 401, publishing nothing. */
const refusedOnEvery = async (
  run: HostileRun,
  kind: AttackKind,
  name: string,
  routes: readonly SecuredRoute[],
  authorization: string | undefined,
  parties: Parties,
): Promise<void> => {
  for (const route of routes) {
    const mark = run.mark();
    const answer = await callRoute(
      run,
      route,
      authorization,
      parties.victimApplications[0],
      parties.victim.jobId,
    );
    run.expectRefused(
      kind,
      `${name}: ${route.method} ${route.path}`,
      answer,
      [401],
      run.publishedSince(mark).length,
    );
  }
};

/** The other employer's genuine key on the victim's ids: 404 where an id is named, the victim's nowhere in lists. */
const anotherEmployers = async (run: HostileRun, routes: readonly SecuredRoute[], parties: Parties) => {
  const { victim, other, victimApplications } = parties;
  // A route naming no id acts on the caller's own account (its key, its secret, its test): nothing to reach.
  for (const route of routes.filter((each) => each.pathParameters.length > 0 || each.method === 'GET')) {
    const mark = run.mark();
    const answer = await callRoute(run, route, bearer(other.key), victimApplications[0], victim.jobId);
    const name = `the other employer’s key: ${route.method} ${route.path}`;
    if (route.pathParameters.length > 0) {
      run.expectRefused('another employer’s key', name, answer, [404], run.publishedSince(mark).length);
    } else {
      const leaked = victimApplications.filter((applicationId) => answer.body.includes(applicationId));
      run.record(
        'another employer’s key',
        `${name}: none of the victim’s`,
        answer.status === 200 && leaked.length === 0,
        `answered ${answer.status}, ${leaked.length} of the victim’s applications`,
      );
    }
  }
  // Listing by the victim's job: the filter must not widen the partition.
  const listing = routes.find((route) => route.path === '/employer/applications' && route.method === 'GET');
  if (listing) {
    const answer = await sendAs(
      run,
      bearer(other.key),
      'GET',
      `${listing.path}?jobId=${encodeURIComponent(victim.jobId)}`,
    );
    const body = JSON.parse(answer.body) as { items?: unknown[] };
    run.record(
      'another employer’s key',
      'the other employer’s key: GET /employer/applications?jobId=<the victim’s job>: empty',
      answer.status === 200 && body.items?.length === 0,
      `answered ${answer.status}: ${answer.body.slice(0, 200)}`,
    );
  }
};

/** The victim rotates its key: the old one is refused everywhere at once; the new one, and the other's, work. */
const rotatedAway = async (run: HostileRun, employerRoutes: readonly SecuredRoute[], parties: Parties) => {
  const { victim, other } = parties;
  const old = victim.key;
  const rotation = await sendAs(run, bearer(old), 'POST', '/employer/key/rotate');
  const { key } = JSON.parse(rotation.body) as { key?: string };
  run.record(
    'rotated-away employer key',
    'the victim rotates its key (control)',
    rotation.status === 200 && typeof key === 'string' && key !== old,
    `answered ${rotation.status}`,
  );
  if (rotation.status !== 200 || typeof key !== 'string') return;
  run.system.personal.addToken(key);
  victim.key = key;
  await refusedOnEvery(
    run,
    'rotated-away employer key',
    'the key rotated away',
    employerRoutes,
    bearer(old),
    parties,
  );
  for (const [name, current] of [
    ['the new key', key],
    ['the other employer’s key, untouched', other.key],
  ] as const) {
    const answer = await sendAs(run, bearer(current), 'GET', '/employer/applications');
    run.record(
      'rotated-away employer key',
      `${name} lists (control)`,
      answer.status === 200,
      `${answer.status}`,
    );
  }
};

export const keyAttacks = async (
  run: HostileRun,
  routes: readonly SecuredRoute[],
  parties: Parties,
): Promise<void> => {
  const employerRoutes = routes.filter((route) => route.scheme === 'employerKey');
  const viewerRoutes = routes.filter((route) => route.scheme === 'viewerToken');
  for (const [name, authorization] of forgedKeys(parties, run.system.secrets.EMPLOYER_SIGNING_KEY))
    await refusedOnEvery(run, 'forged employer key', name, employerRoutes, authorization, parties);

  const viewer = await viewerBearer(run, parties.first);
  await refusedOnEvery(run, 'token of the other kind', 'a viewer token', employerRoutes, viewer, parties);
  await refusedOnEvery(
    run,
    'token of the other kind',
    'the victim’s employer key',
    viewerRoutes,
    bearer(parties.victim.key),
    parties,
  );
  await anotherEmployers(run, employerRoutes, parties);
  await rotatedAway(run, employerRoutes, parties);
};
