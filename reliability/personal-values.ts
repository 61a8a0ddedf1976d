import type { ProfileUpdated } from '#events/catalog.ts';
import type { LoggedValue } from './log-scan.ts';

/**
 * The personal values a run sent to the system (CONTRACT §7: handles, display names, portfolio urls, tokens),
 * collected as they were sent, so that the log search looks for the actual values and not for patterns: every
 * personal field of every event put on the bus, every bearer token of every request (viewer JWTs, employer
 * keys, forged ones too), and every key the system handed out (a rotation's answer).
 */

export const PERSONAL_KINDS = [
  'handle',
  'display name',
  'portfolio url',
  'viewer JWT',
  'employer key',
] as const;
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

/** A profile's personal fields, wherever an event carries them (a profile, an application's applicant). */
const FIELD_KINDS = {
  handle: 'handle',
  displayName: 'display name',
  portfolioUrl: 'portfolio url',
} as const satisfies Partial<Record<keyof ProfileUpdated, PersonalKind>>;

/**
 * Values shorter than this would be found by chance (a handle `ab` in any word): they are counted as skipped,
 * never searched. The run's own fixtures use longer ones.
 */
export const MIN_SEARCHED_LENGTH = 8;

/** Three base64url parts (the signature may be empty: `alg: none`); an employer key has two. */
const JWT_SHAPE = /^[\w-]*\.[\w-]*\.[\w-]*$/;

/**
 * A profile's handle and display name as the run's fixtures make them: other than its id, which logs may hold, so
 * that a line naming the profile is not taken for one leaking its personal data.
 */
export const namesOf = (profileId: string): Pick<ProfileUpdated, 'handle' | 'displayName'> => ({
  handle: `${profileId}_handle`,
  displayName: `Name of ${profileId}`,
});

export class PersonalValues {
  private readonly values = new Map<PersonalKind, Set<string>>(
    PERSONAL_KINDS.map((kind) => [kind, new Set<string>()]),
  );

  add(kind: PersonalKind, value: string): void {
    this.values.get(kind)?.add(value);
    // A portfolio url is kept and served as its normalized href: the log would hold that form.
    if (kind === 'portfolio url' && URL.canParse(value)) this.values.get(kind)?.add(new URL(value).href);
  }

  /** Every personal field found anywhere in an event's detail. */
  addFromEvent(detail: unknown): void {
    if (Array.isArray(detail)) for (const item of detail) this.addFromEvent(item);
    else if (detail !== null && typeof detail === 'object') {
      for (const [key, value] of Object.entries(detail)) {
        const kind = Object.hasOwn(FIELD_KINDS, key)
          ? FIELD_KINDS[key as keyof typeof FIELD_KINDS]
          : undefined;
        if (kind && typeof value === 'string') this.add(kind, value);
        else this.addFromEvent(value);
      }
    }
  }

  /** Every personal field of a JSON request body (a webhook's profile, even one refused); other bodies carry none. */
  addFromBody(body: string): void {
    try {
      this.addFromEvent(JSON.parse(body));
    } catch {
      // Not JSON: no field to take.
    }
  }

  /** The bearer token of an `Authorization` header: a viewer JWT by its shape (forged ones too), else an employer key. */
  addBearer(authorization: string | null | undefined): void {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (token) this.addToken(token);
  }

  addToken(token: string): void {
    this.add(JWT_SHAPE.test(token) ? 'viewer JWT' : 'employer key', token);
  }

  /** The values to search, each named by its kind only (the report must not print them). */
  searched(): LoggedValue[] {
    return PERSONAL_KINDS.flatMap((kind) =>
      [...(this.values.get(kind) ?? [])]
        .filter((value) => value.length >= MIN_SEARCHED_LENGTH)
        .map((value) => ({ name: kind, value })),
    );
  }

  /** How many distinct values of each kind were sent, and how many were too short to search. */
  counts(): { readonly byKind: Readonly<Record<PersonalKind, number>>; readonly skipped: number } {
    const byKind = Object.fromEntries(
      PERSONAL_KINDS.map((kind) => [kind, this.values.get(kind)?.size ?? 0]),
    ) as Record<PersonalKind, number>;
    let skipped = 0;
    for (const set of this.values.values())
      for (const value of set) if (value.length < MIN_SEARCHED_LENGTH) skipped++;
    return { byKind, skipped };
  }
}
