import { describe, expect, it } from 'vitest';
import { Authorizer } from '../../local/iam/authorizer.ts';
import type { Principal } from '../../local/iam/principal.ts';
import { modelOf } from './models.ts';

// The authorizer's own behaviour around the evaluator: the context it adds, its cache, the administrator.

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:work';
const RULE = 'arn:aws:events:us-east-1:000000000000:rule/reelhire-dev/work';
const WORKER: Principal = {
  kind: 'role-session',
  roleArn: 'arn:aws:iam::000000000000:role/Worker',
  sessionName: 'worker',
};
const EVENTS: Principal = { kind: 'service', service: 'events.amazonaws.com' };

const queuePolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:*',
      Resource: QUEUE,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: QUEUE,
      Condition: { ArnEquals: { 'aws:SourceArn': RULE } },
    },
  ],
};
const model = modelOf({
  identities: {
    [WORKER.kind === 'role-session' ? WORKER.roleArn : '']: [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: QUEUE }] },
    ],
  },
  resourcePolicies: { [QUEUE]: queuePolicy },
});

describe('Authorizer', () => {
  it('treats local calls as made over TLS unless told otherwise, whatever the key’s case', async () => {
    const authorizer = new Authorizer(model);
    const request = { principal: WORKER, action: 'sqs:ReceiveMessage', resource: QUEUE };
    expect(await authorizer.authorize(request)).toEqual({ allowed: true });
    const plainHttp = await authorizer.authorize({ ...request, context: { 'AWS:SecureTransport': 'false' } });
    expect(plainHttp).toMatchObject({
      allowed: false,
      refusal: { kind: 'explicit-deny', policyType: 'resource' },
    });
  });

  it('caches by the context keys the policies read, so a cached allow never covers another source', async () => {
    const authorizer = new Authorizer(model);
    const from = (sourceArn: string) =>
      authorizer.authorize({
        principal: EVENTS,
        action: 'sqs:SendMessage',
        resource: QUEUE,
        context: { 'aws:SourceArn': sourceArn },
      });
    expect(await from(RULE)).toEqual({ allowed: true });
    expect((await from(`${RULE}-other`)).allowed).toBe(false);
    expect(await from(RULE)).toEqual({ allowed: true });
  });

  it('forgets its decisions when the policies are reloaded', async () => {
    const authorizer = new Authorizer(model);
    const request = { principal: WORKER, action: 'sqs:DeleteMessage', resource: QUEUE };
    expect(await authorizer.authorize(request)).toEqual({ allowed: true });
    authorizer.reload(modelOf({ resourcePolicies: { [QUEUE]: queuePolicy } }));
    expect(await authorizer.authorize(request)).toMatchObject({
      allowed: false,
      reason: `User: arn:aws:sts::000000000000:assumed-role/Worker/worker is not authorized to perform: sqs:DeleteMessage on resource: ${QUEUE} because no identity-based policy allows the sqs:DeleteMessage action`,
    });
  });

  it('lets the administrator do anything a resource policy does not explicitly deny', async () => {
    const authorizer = new Authorizer(model);
    const administrator: Principal = { kind: 'administrator' };
    expect(
      await authorizer.authorize({ principal: administrator, action: 'sqs:PurgeQueue', resource: QUEUE }),
    ).toEqual({
      allowed: true,
    });
    expect(
      await authorizer.authorize({
        principal: administrator,
        action: 'sqs:PurgeQueue',
        resource: QUEUE,
        context: { 'aws:SecureTransport': 'false' },
      }),
    ).toMatchObject({ allowed: false, refusal: { kind: 'explicit-deny', policyType: 'resource' } });
  });

  it('refuses a function an action the evaluator does not know, and says so; the administrator goes through', async () => {
    const authorizer = new Authorizer(model);
    const unknown = { action: 'sqs:TeleportMessage', resource: QUEUE };
    const refused = await authorizer.authorize({ principal: WORKER, ...unknown });
    expect(refused).toMatchObject({ allowed: false, refusal: { kind: 'not-evaluated' } });
    expect(refused.allowed ? '' : refused.reason).toContain(
      'because local mode could not evaluate the request',
    );
    expect(await authorizer.authorize({ principal: { kind: 'administrator' }, ...unknown })).toEqual({
      allowed: true,
    });
  });
});
