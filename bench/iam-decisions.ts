import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { synthesizeCached } from '../lib/synthesize.ts';
import { Authorizer } from '../local/iam/authorizer.ts';
import { CredentialRegistry } from '../local/iam/credentials.ts';
import { policyModelOfAssembly } from '../local/iam/policy-model.ts';
import { RequestGuard } from '../local/iam/request-guard.ts';
import { LOCAL_REGION } from '../local/local-account.ts';

/**
 * What local IAM enforcement costs per call, with the dev templates' policies: an uncached decision (the
 * evaluator runs), a cached one (map lookups), and the whole guard in front of an endpoint for a PutItem signed
 * with a function's credentials (signature check, mapping, cached decision) or with other credentials.
 * `npx tsx bench/iam-decisions.ts`
 */

const TABLE = 'ReelHire-dev-Stateful-Table';

const timePerCall = async (iterations: number, call: () => Promise<unknown>): Promise<number> => {
  for (let index = 0; index < Math.min(iterations, 200); index += 1) await call();
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) await call();
  return Number(process.hrtime.bigint() - start) / iterations / 1000;
};

export const benchIamDecisions = async (iterations = { uncached: 500, cached: 200_000, guarded: 5_000 }) => {
  const model = policyModelOfAssembly(await synthesizeCached({ bundle: false }), 'http://127.0.0.1:3000');
  const functionName = [...model.functionRoles.keys()].find((name) => name.endsWith('VideoEventsFunction'))!;
  const roleArn = model.functionRoles.get(functionName)!;
  const role = model.roles.find((candidate) => candidate.arn === roleArn)!;
  const principal = { kind: 'role-session', roleArn, sessionName: functionName } as const;
  const request = {
    principal,
    action: 'dynamodb:PutItem',
    resource: `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/${TABLE}`,
  };
  const authorizer = new Authorizer(model);

  const uncachedMicros = await timePerCall(iterations.uncached, async () => {
    authorizer.reload(model);
    await authorizer.authorize(request);
  });
  const cachedMicros = await timePerCall(iterations.cached, () => authorizer.authorize(request));

  const registry = new CredentialRegistry();
  const credentials = registry.issue({ roleLogicalId: role.logicalId, roleArn, sessionName: functionName });
  const guard = new RequestGuard({ authorizer, credentials: registry });
  const body = JSON.stringify({
    TableName: TABLE,
    Item: {
      pk: { S: 'VIDEO#tiktok#7312345678901234567' },
      sk: { S: 'LINKS' },
      url: { S: 'https://contra.com/x' },
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  const signedWith = async (signing: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }) => {
    const signer = new SignatureV4({
      credentials: signing,
      region: LOCAL_REGION,
      service: 'dynamodb',
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8000,
      path: '/',
      query: {},
      headers: {
        host: '127.0.0.1:8000',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    return { method: 'POST', url: '/', headers: signed.headers, body: Buffer.from(body) };
  };
  const functionCall = await signedWith(credentials);
  const developerCall = await signedWith({ accessKeyId: 'AKIADEVELOPER0000001', secretAccessKey: 'x' });
  const guardedFunctionMicros = await timePerCall(iterations.guarded, async () => {
    if (await guard.check(functionCall)) throw new Error('the bench call was refused');
  });
  const guardedDeveloperMicros = await timePerCall(iterations.guarded, async () => {
    if (await guard.check(developerCall)) throw new Error('the bench call was refused');
  });
  return { uncachedMicros, cachedMicros, guardedFunctionMicros, guardedDeveloperMicros };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchIamDecisions();
  console.log(
    [
      `uncached decision (evaluator):            ${result.uncachedMicros.toFixed(1)} µs`,
      `cached decision (map lookups):            ${result.cachedMicros.toFixed(2)} µs`,
      `guard, PutItem signed by a function:      ${result.guardedFunctionMicros.toFixed(1)} µs (SigV4 check + mapping + cached decision)`,
      `guard, PutItem signed by other credentials: ${result.guardedDeveloperMicros.toFixed(1)} µs (mapping + cached decision)`,
    ].join('\n'),
  );
}
