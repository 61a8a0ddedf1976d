import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ADMINISTRATOR, type Principal } from './principal.ts';

/** Temporary credentials as Lambda hands them to a function (AWS_ACCESS_KEY_ID, …SECRET…, AWS_SESSION_TOKEN). */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** The role session a function runs as: its execution role, and the session Lambda names after the function. */
export interface FunctionIdentity {
  /** The logical id of the role in its template (keys stay the same across restarts). */
  readonly roleLogicalId: string;
  readonly roleArn: string;
  readonly sessionName: string;
}

export interface IssuedCredentials {
  readonly credentials: SessionCredentials;
  readonly principal: Extract<Principal, { kind: 'role-session' }>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `ASIA` and 16 base-32 characters, like an STS session's key id, derived from the role and session. */
const accessKeyIdOf = (identity: FunctionIdentity): string => {
  const digest = createHash('sha256').update(`${identity.roleLogicalId}/${identity.sessionName}`).digest();
  let id = 'ASIA';
  for (let index = 0; index < 16; index += 1) id += BASE32[digest[index]! % 32];
  return id;
};

/**
 * Issues each function role its own credentials and tells, from an access key id, whose they are. Key ids are
 * derived from the role's logical id and the session name (stable across restarts, readable in logs); secrets
 * and session tokens from a per-registry random seed, so that only the functions this registry issued them to
 * can sign as their role. Any key it did not issue belongs to the administrator (CONTRACT §9).
 */
export class CredentialRegistry {
  private readonly byKeyId = new Map<string, IssuedCredentials>();
  private readonly seed: Buffer;

  constructor(options: { readonly seed?: string } = {}) {
    this.seed = options.seed === undefined ? randomBytes(32) : Buffer.from(options.seed);
  }

  issue(identity: FunctionIdentity): SessionCredentials {
    const accessKeyId = accessKeyIdOf(identity);
    const known = this.byKeyId.get(accessKeyId);
    if (known) {
      if (
        known.principal.roleArn !== identity.roleArn ||
        known.principal.sessionName !== identity.sessionName
      )
        throw new Error(`access key ${accessKeyId} was already issued to ${known.principal.roleArn}`);
      return known.credentials;
    }
    const derive = (purpose: string) =>
      createHmac('sha256', this.seed).update(`${purpose}/${accessKeyId}`).digest();
    const credentials: SessionCredentials = {
      accessKeyId,
      secretAccessKey: derive('secret').toString('base64').slice(0, 40),
      sessionToken: `IQoJb3JpZ2luX2VjE${derive('token').toString('base64')}`,
    };
    this.byKeyId.set(accessKeyId, {
      credentials,
      principal: { kind: 'role-session', roleArn: identity.roleArn, sessionName: identity.sessionName },
    });
    return credentials;
  }

  /** The function credentials an access key id belongs to, or undefined for any other key. */
  lookup(accessKeyId: string): IssuedCredentials | undefined {
    return this.byKeyId.get(accessKeyId);
  }

  /** Who signs with this key: a function's role session, or the administrator. */
  principalOf(accessKeyId: string | undefined): Principal {
    return (
      (accessKeyId === undefined ? undefined : this.byKeyId.get(accessKeyId)?.principal) ?? ADMINISTRATOR
    );
  }
}
