import { MAX_BODY_BYTES } from '#shared/http.ts';
import { encodeCursor } from '#shared/pagination.ts';
import { bearer, callRoute, type Parties, type SecuredRoute, sendAs, viewerBearer } from './api-parties.ts';
import type { Answer, HostileRun } from './hostile-run.ts';

/**
 * What a genuine employer or applicant can try on ids, notes and cursors (CONTRACT §6): another party's
 * application answers exactly what an id never issued answers (status, type and body but for the id itself), so
 * ids cannot be enumerated; a note over 1,000 characters, or not a string, is 422 and writes nothing; a cursor
 * the list did not give is 400 problem+json, and a well-formed one pointing elsewhere moves only within the
 * caller's own list.
 */

const NOT_ISSUED = 'app-never-issued-0000000000';

/** An answer as an enumerator sees it, the asked id blanked out. */
const seen = (answer: Answer, id: string): string =>
  `${answer.status} ${answer.headers.get('content-type')} ${answer.body.replaceAll(id, '<id>').replaceAll(encodeURIComponent(id), '<id>')}`;

/** Ids a caller may not reach, each answered as one never issued, on every route that names one. */
const enumeration = async (
  run: HostileRun,
  routes: readonly SecuredRoute[],
  authorization: string,
  foreign: readonly [name: string, id: string][],
  jobId: string,
) => {
  for (const route of routes.filter((each) => each.pathParameters.some((name) => name !== 'jobId'))) {
    const ask = async (id: string) => {
      const mark = run.mark();
      const answer = await callRoute(run, route, authorization, id, jobId);
      return { answer, published: run.publishedSince(mark).length };
    };
    const never = await ask(NOT_ISSUED);
    for (const [name, id] of foreign) {
      const { answer, published } = await ask(id);
      const passed =
        answer.status === 404 && published === 0 && seen(answer, id) === seen(never.answer, NOT_ISSUED);
      run.record(
        'application id enumeration',
        `${name} on ${route.method} ${route.path}: answered as an id never issued`,
        passed,
        `${seen(answer, id).slice(0, 160)} vs ${seen(never.answer, NOT_ISSUED).slice(0, 160)}; published ${published}`,
      );
    }
    for (const [name, id] of [
      ['an id of 129 characters', 'a'.repeat(129)],
      ['a path traversal', '../../employer/applications'],
      ['a NUL character', 'app\u0000x'],
    ] as const) {
      const { answer, published } = await ask(id);
      run.expectRefused(
        'application id enumeration',
        `${name} on ${route.method} ${route.path}`,
        answer,
        [400, 404],
        published,
      );
    }
  }
};

const oversizedNotes = async (run: HostileRun, parties: Parties) => {
  const { victim, victimApplications, otherApplication } = parties;
  const key = bearer(victim.key);
  const target = `/employer/applications/${victimApplications[1]}`;
  const before = await sendAs(run, key, 'GET', target);
  const notes: [string, string, readonly number[], string?][] = [
    ['a note of 1,001 characters', JSON.stringify({ status: 'reviewing', note: 'n'.repeat(1_001) }), [422]],
    [
      'a note of 100,000 characters',
      JSON.stringify({ status: 'reviewing', note: 'n'.repeat(100_000) }),
      [422],
    ],
    [
      'a note over 256 KiB',
      JSON.stringify({ status: 'reviewing', note: 'n'.repeat(MAX_BODY_BYTES + 1) }),
      [413],
    ],
    ['a note that is an object', JSON.stringify({ status: 'reviewing', note: { text: 'x' } }), [422]],
    ['a note that is an array', JSON.stringify({ status: 'reviewing', note: ['x'] }), [422]],
    ['a note that is null', JSON.stringify({ status: 'reviewing', note: null }), [422]],
    [
      'a note of 1,001 characters on another employer’s application (404 first)',
      JSON.stringify({ status: 'reviewing', note: 'n'.repeat(1_001) }),
      [404],
      `/employer/applications/${otherApplication}`,
    ],
  ];
  for (const [name, body, statuses, path] of notes) {
    const mark = run.mark();
    const answer = await sendAs(run, key, 'POST', `${path ?? target}/status`, body);
    run.expectRefused('oversized note', name, answer, statuses, run.publishedSince(mark).length);
  }
  const after = await sendAs(run, key, 'GET', target);
  run.record(
    'oversized note',
    'the application is as it was (nothing half-written)',
    before.status === 200 && after.body === before.body,
    `${before.status} ${before.body.slice(0, 120)} / ${after.status} ${after.body.slice(0, 120)}`,
  );
  const note = 'n'.repeat(1_000);
  const control = await sendAs(
    run,
    key,
    'POST',
    `${target}/status`,
    JSON.stringify({ status: 'reviewing', note }),
  );
  run.record(
    'oversized note',
    'a note of exactly 1,000 characters is kept (control)',
    control.status === 200 && control.body.includes(note),
    `${control.status}`,
  );
};

/** Cursors for a list: malformed ones (400), and well-formed positions it never gave (400, or its own items only). */
const badCursors = async (
  run: HostileRun,
  route: SecuredRoute,
  authorization: string,
  genuine: string | undefined,
) => {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  const malformed: [string, string][] = [
    ['not base64', '%%%not-a-cursor%%%'],
    ['base64 of no JSON', base64('not json')],
    ['an empty object', encodeCursor({})],
    ['JSON that is an array', encodeCursor([1, 2, 3])],
    ['wrong types', encodeCursor({ s: 1, j: 2, p: 3, a: 4, k: 5 })],
    ['a prototype pollution', base64('{"__proto__":{"polluted":1},"s":"x"}')],
    ['over 2,048 characters', 'A'.repeat(2_049)],
    ['an empty cursor', ''],
  ];
  if (genuine) {
    malformed.push(
      ['a genuine cursor with padding', `${genuine}==`],
      ['a genuine cursor with a stray character', `${genuine}*`],
      [
        'a genuine cursor with a key added',
        encodeCursor({ ...JSON.parse(Buffer.from(genuine, 'base64url').toString()), x: 1 }),
      ],
    );
  }
  for (const [name, cursor] of malformed) {
    const answer = await sendAs(
      run,
      authorization,
      'GET',
      `${route.path}?cursor=${encodeURIComponent(cursor)}`,
    );
    const problem = answer.headers.get('content-type')?.startsWith('application/problem+json') ?? false;
    run.record(
      'bad cursor',
      `${route.path}: ${name}`,
      answer.status === 400 && problem,
      `answered ${answer.status} ${answer.headers.get('content-type')}: ${answer.body.slice(0, 160)}`,
    );
  }
};

/** A page's answer to a cursor pointing elsewhere: 400, or 200 with none but the caller's own applications. */
const movesOnlyWithin = async (
  run: HostileRun,
  name: string,
  path: string,
  authorization: string,
  cursor: string,
  own: readonly string[],
) => {
  const answer = await sendAs(run, authorization, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
  let foreign: string[] = [];
  if (answer.status === 200) {
    const { items } = JSON.parse(answer.body) as { items: { applicationId: string }[] };
    foreign = items.map((item) => item.applicationId).filter((id) => !own.includes(id));
  }
  run.record(
    'bad cursor',
    `${path}: ${name}: 400, or the caller's own items only`,
    answer.status === 400 || (answer.status === 200 && foreign.length === 0),
    `answered ${answer.status}, ${foreign.length} foreign: ${answer.body.slice(0, 160)}`,
  );
};

/** The first page's nextCursor of a list (limit 1), for who may read it. */
const cursorOf = async (
  run: HostileRun,
  path: string,
  authorization: string,
): Promise<string | undefined> => {
  const page = await sendAs(run, authorization, 'GET', `${path}?limit=1`);
  if (page.status !== 200) return undefined;
  return (JSON.parse(page.body) as { nextCursor?: string | null }).nextCursor ?? undefined;
};

/** Cursors of one party's list, genuine or forged to name another's item, used by someone else. */
const foreignPositions = async (run: HostileRun, lists: readonly SecuredRoute[], parties: Parties) => {
  const { victim, other, first, second, victimApplications, otherApplication } = parties;
  const applicantOne = await viewerBearer(run, first);
  const applicantTwo = await viewerBearer(run, second);
  const applicantCursor = await cursorOf(run, '/applications', applicantOne);
  for (const route of lists) {
    if (route.scheme === 'viewerToken') {
      const cursor = await cursorOf(run, route.path, applicantOne);
      if (cursor)
        await movesOnlyWithin(run, 'another applicant’s genuine cursor', route.path, applicantTwo, cursor, [
          victimApplications[1],
        ]);
      continue;
    }
    const cursor = await cursorOf(run, route.path, bearer(victim.key));
    if (cursor)
      await movesOnlyWithin(run, 'another employer’s genuine cursor', route.path, bearer(other.key), cursor, [
        otherApplication,
      ]);
    if (applicantCursor)
      await movesOnlyWithin(
        run,
        'an applicant’s genuine cursor',
        route.path,
        bearer(other.key),
        applicantCursor,
        [otherApplication],
      );
  }
  // A position forged to name the other employer's application, newest possible first.
  await movesOnlyWithin(
    run,
    'a position forged to name another employer’s application',
    '/employer/applications',
    bearer(victim.key),
    encodeCursor({ s: `${'9'.repeat(22)}#${otherApplication}`, j: other.jobId, p: first.profileId }),
    victimApplications,
  );
};

export const applicationAttacks = async (
  run: HostileRun,
  routes: readonly SecuredRoute[],
  parties: Parties,
): Promise<void> => {
  const { victim, other, first, second, victimApplications, otherApplication } = parties;
  const employerRoutes = routes.filter((route) => route.scheme === 'employerKey');
  const viewerRoutes = routes.filter((route) => route.scheme === 'viewerToken');
  const nearMiss = `${victimApplications[0].slice(0, -1)}${victimApplications[0].endsWith('0') ? '1' : '0'}`;
  await enumeration(
    run,
    employerRoutes,
    bearer(other.key),
    [
      ['the victim’s application, by the other employer', victimApplications[0]],
      ['an id one character off a real one', nearMiss],
    ],
    victim.jobId,
  );
  await enumeration(
    run,
    viewerRoutes,
    await viewerBearer(run, second),
    [
      ['another applicant’s application', otherApplication],
      ['an id one character off a real one', nearMiss],
    ],
    victim.jobId,
  );
  await oversizedNotes(run, parties);

  const lists = routes.filter((route) => route.method === 'GET' && route.queryParameters.includes('cursor'));
  for (const route of lists) {
    const authorization =
      route.scheme === 'employerKey' ? bearer(victim.key) : await viewerBearer(run, first);
    await badCursors(run, route, authorization, await cursorOf(run, route.path, authorization));
  }
  await foreignPositions(run, lists, parties);
};
