import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import type { ProfileUpdated } from '#events/catalog.ts';
import { replay } from '../replay.ts';
import { postSigned } from './body-attacks.ts';
import { firstProfileVersion, seedApplicantAndJobs } from './fixtures.ts';
import type { Answer, HostileRun } from './hostile-run.ts';

/**
 * What a link and an application carry (CONTRACT §4). Odd portfolio urls: any url the WHATWG URL standard parses
 * as https is served as its normalized href, the same in the JSON and in the /portfolio redirect's Location (a
 * non-ASCII one used to answer 500); anything else is refused at the edge. Forged vias: an application naming a
 * video its job does not list records none, so nobody can credit a job's funnel to a video of their choice.
 */

const ODD_URLS: readonly (readonly [name: string, url: string, href: string])[] = [
  ['a Latin-1 path', 'https://contra.com/José Ñandú', 'https://contra.com/Jos%C3%A9%20%C3%91and%C3%BA'],
  // Beyond Latin-1, a url served as given cannot be a header value at all: the redirect answered 500.
  [
    'a CJK and emoji path',
    'https://contra.com/作品集/🎬',
    'https://contra.com/%E4%BD%9C%E5%93%81%E9%9B%86/%F0%9F%8E%AC',
  ],
  ['an internationalized host', 'https://portfólio.example/maya', 'https://xn--portflio-z3a.example/maya'],
  [
    'a header injection attempt',
    'https://contra.com/a\r\nSet-Cookie: x=1',
    'https://contra.com/aSet-Cookie:%20x=1',
  ],
  ['no slashes after the scheme', 'https:contra.com/maya', 'https://contra.com/maya'],
];

const REFUSED_URLS: readonly (readonly [name: string, url: string])[] = [
  ['plain http', 'http://contra.com/maya'],
  ['a javascript: url', 'javascript:alert(document.cookie)'],
  ['a data: url', 'data:text/html,<script>alert(1)</script>'],
];

const oddUrls = async (run: HostileRun): Promise<void> => {
  const { system } = run;
  for (const [name, url, href] of ODD_URLS) {
    const suffix = randomBytes(4).toString('hex');
    const accountId = `act.odd-url-${suffix}`;
    const videoId = `73999900${suffix}`;
    const { detail } = firstProfileVersion(`odd-url-${suffix}`, [{ platform: 'tiktok', accountId }]);
    await replay(system.eventBridge, system.busName, [
      {
        kind: 'event',
        event: {
          detailType: 'Profile Updated',
          detail: { ...(detail as ProfileUpdated), portfolioUrl: url },
        },
      },
      {
        kind: 'event',
        event: {
          detailType: 'Video Posted',
          detail: { platform: 'tiktok', videoId, accountId, postedAt: new Date().toISOString() },
        },
      },
    ]);
    // The handlers work behind the bus: the link appears within a bounded wait, or the attack is recorded failed.
    let links: Answer | undefined;
    for (
      const deadline = Date.now() + 60_000;
      links === undefined && Date.now() < deadline;
      await sleep(200)
    ) {
      const answer = await run.send(`/links/tiktok/${videoId}`);
      if (answer.status === 200) links = answer;
    }
    const served = links
      ? (JSON.parse(links.body) as { portfolio?: { url?: string } }).portfolio?.url
      : undefined;
    const redirect = await run.send(`/links/tiktok/${videoId}/portfolio`, { redirect: 'manual' });
    const location = redirect.headers.get('location');
    run.record(
      'odd portfolio url',
      `${name}: served as its href in the JSON and in Location`,
      served === href && redirect.status === 302 && location === href,
      `JSON ${served}, ${redirect.status} Location ${location}`,
    );
  }
  for (const [name, url] of REFUSED_URLS) {
    const profile = firstProfileVersion(`refused-url-${randomBytes(4).toString('hex')}`);
    const mark = run.mark();
    const answer = await postSigned.contra(
      run,
      JSON.stringify({ type: 'profile.updated', data: { ...profile.detail, portfolioUrl: url } }),
    );
    run.expectRefused('odd portfolio url', `Contra: ${name}`, answer, [400], run.publishedSince(mark).length);
  }
};

const forgedVias = async (run: HostileRun): Promise<void> => {
  const suffix = randomBytes(4).toString('hex');
  const jobId = `via-job-${suffix}`;
  const jobVideo = { platform: 'tiktok' as const, videoId: `73999901${suffix}` };
  const applicants = ['forger', 'other-platform', 'genuine', 'malformed'].map(
    (role) => `via-${role}-${suffix}`,
  );
  await seedApplicantAndJobs(run.system, applicants[0]!, [
    { jobId, notifyUrl: 'http://127.0.0.1:9/unused', videos: [jobVideo] },
  ]);
  for (const applicant of applicants.slice(1)) await seedApplicantAndJobs(run.system, applicant, []);
  const apply = async (profileId: string, body: string) => {
    const mark = run.mark();
    const token = await new SignJWT({ sub: profileId, aud: 'reelhire' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(run.system.secrets.VIEWER_TOKEN_SECRET));
    const answer = await run.send(`/jobs/${jobId}/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const submitted = run.publishedSince(mark, 'Application Submitted');
    return { answer, submitted, via: (submitted[0]?.detail as { via?: unknown } | undefined)?.via };
  };
  for (const [name, profileId, via] of [
    ['a video the job does not list', applicants[0]!, { platform: 'tiktok', videoId: '7000000000000000666' }],
    ['the job’s video id on the other platform', applicants[1]!, { ...jobVideo, platform: 'youtube' }],
  ] as const) {
    const { answer, submitted, via: recorded } = await apply(profileId, JSON.stringify({ via }));
    run.record(
      'forged via',
      `via naming ${name} is recorded as null`,
      answer.status === 201 && submitted.length === 1 && recorded === undefined,
      `${answer.status}, published ${submitted.length}, via ${JSON.stringify(recorded)}`,
    );
  }
  const malformed = await apply(applicants[3]!, JSON.stringify({ via: { platform: 'tiktok', videoId: '' } }));
  run.expectRefused(
    'forged via',
    'a malformed via is 422',
    malformed.answer,
    [422],
    malformed.submitted.length,
  );
  const genuine = await apply(applicants[2]!, JSON.stringify({ via: jobVideo }));
  run.record(
    'forged via',
    'a via naming the job’s own video is kept (control)',
    genuine.answer.status === 201 && JSON.stringify(genuine.via) === JSON.stringify(jobVideo),
    `${genuine.answer.status}, via ${JSON.stringify(genuine.via)}`,
  );
};

export const linkAttacks = async (run: HostileRun): Promise<void> => {
  await oddUrls(run);
  await forgedVias(run);
};
