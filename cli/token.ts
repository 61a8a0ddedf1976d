import { type Command, InvalidArgumentError, Option } from 'commander';
import { SignJWT } from 'jose';
import { VIEWER_TOKEN_AUDIENCE } from '#apply/viewer-token.ts';
import { localSecret } from './local-secrets.ts';

/**
 * `reelhire token <profileId>`: the JWT Contra would issue the viewer, for the local stack: HS256 with
 * VIEWER_TOKEN_SECRET (or its development default), `sub` the profile, `aud` reelhire, expiring in an hour.
 * Printing it is the command's job; it is a bearer token for local use.
 */

const lifetime = (value: string): number => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > 86_400)
    throw new InvalidArgumentError('seconds between 1 and 86400 are expected.');
  return number;
};

export const viewerToken = (
  profileId: string,
  secret: string,
  expiresInSeconds: number,
  now = new Date(),
) => {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(profileId)
    .setAudience(VIEWER_TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
};

/** How long a token signed for the local stack lives, unless `--expires-in` says otherwise. */
const LOCAL_TOKEN_SECONDS = 3600;

/** A viewer's token for the local stack: signed with VIEWER_TOKEN_SECRET, or its development default. */
export const localViewerToken = (profileId: string, expiresInSeconds = LOCAL_TOKEN_SECONDS) =>
  viewerToken(profileId, localSecret('VIEWER_TOKEN_SECRET').value, expiresInSeconds);

export const registerToken = (program: Command): void => {
  program
    .command('token')
    .summary("print a local viewer's JWT")
    .description(
      'Prints the JWT a viewer applies with on the local stack: HS256 with VIEWER_TOKEN_SECRET (else its ' +
        'development default), sub = the profile id, aud = reelhire, expiring in an hour.',
    )
    .argument('<profileId>', "the viewer's Contra profile")
    .addOption(
      new Option('--expires-in <seconds>', 'lifetime').default(LOCAL_TOKEN_SECONDS).argParser(lifetime),
    )
    .action(async (profileId: string, options: { expiresIn: number }) => {
      const token = await localViewerToken(profileId, options.expiresIn);
      process.stdout.write(`${token}\n`);
    });
};
