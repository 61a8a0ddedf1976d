import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { Authorizer } from '../../local/iam/authorizer.ts';
import { CredentialRegistry, type SessionCredentials } from '../../local/iam/credentials.ts';
import { enforcingProxy } from '../../local/iam/enforcing-proxy.ts';
import { type PolicyModel, policyModelOfAssembly } from '../../local/iam/policy-model.ts';
import { type RefusedCall, RequestGuard } from '../../local/iam/request-guard.ts';
import { SecretStore } from '../../local/secrets-manager/secret-store.ts';
import { secretsManagerListener } from '../../local/secrets-manager/secrets-manager-endpoint.ts';
import { type LocalDynamo, startDynalite, tableDefinition } from '../../local/testing/dynalite.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { type AwsEndpoints, startAwsEndpoints } from '../support/aws-endpoints.ts';
import { synthesized } from '../support/synth.ts';
import { type LoopbackServer, listenOnLoopback } from './servers.ts';

/**
 * The local AWS endpoints of the dev stack behind IAM enforcement: dynalite, the local SQS and EventBridge
 * endpoints and the local Secrets Manager, each reached through a front that runs the request guard with the
 * policies of the synthesized templates. Functions sign with credentials issued for their own role.
 */
export interface EnforcedEndpoints {
  readonly model: PolicyModel;
  readonly authorizer: Authorizer;
  readonly store: SecretStore;
  readonly aws: AwsEndpoints;
  readonly dynamodbUrl: string;
  readonly awsUrl: string;
  readonly secretsUrl: string;
  readonly refusals: RefusedCall[];
  /** The physical name of a function of the stack (`linksApi` → `ReelHire-dev-Stateless-LinksApiFunction`). */
  functionName(suffix: string): string;
  /** The credentials a function's worker would get: its role, its session. */
  credentialsOf(functionName: string): SessionCredentials;
  close(): Promise<void>;
}

const API_URL = 'http://127.0.0.1:3000';

export const startEnforcedEndpoints = async (): Promise<EnforcedEndpoints> => {
  const model = policyModelOfAssembly(synthesized().outdir, API_URL);
  const authorizer = new Authorizer(model);
  const registry = new CredentialRegistry();
  const store = new SecretStore();
  const refusals: RefusedCall[] = [];
  const guard = new RequestGuard({
    authorizer,
    credentials: registry,
    secretArnOf: (secretId) => store.find(secretId)?.arn,
    onRefusal: (call) => refusals.push(call),
  });

  const dynamo: LocalDynamo = await startDynalite();
  const tableName = 'ReelHire-dev-Stateful-Table';
  await dynamo.client.send(new CreateTableCommand(tableDefinition(tableName)));
  await eventually(
    async () =>
      (await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus ===
      'ACTIVE'
        ? true
        : undefined,
    { what: `table ${tableName} to be active` },
  );
  const aws = await startAwsEndpoints({ busNames: ['reelhire-dev'] });

  const dynamoProxy = enforcingProxy(guard, dynamo.endpoint);
  const awsProxy = enforcingProxy(guard, aws.url);
  const servers: LoopbackServer[] = [
    await listenOnLoopback(dynamoProxy),
    await listenOnLoopback(awsProxy),
    await listenOnLoopback(secretsManagerListener(store, (request) => guard.check(request))),
  ];
  const [dynamodbServer, awsServer, secretsServer] = servers as [
    LoopbackServer,
    LoopbackServer,
    LoopbackServer,
  ];

  const functionName = (suffix: string): string => {
    const found = [...model.functionRoles.keys()].find((name) => name.endsWith(suffix));
    if (!found) throw new Error(`no function ending in ${suffix}`);
    return found;
  };
  return {
    model,
    authorizer,
    store,
    aws,
    dynamodbUrl: dynamodbServer.url,
    awsUrl: awsServer.url,
    secretsUrl: secretsServer.url,
    refusals,
    functionName,
    credentialsOf: (name) => {
      const roleArn = model.functionRoles.get(name);
      const role = model.roles.find((candidate) => candidate.arn === roleArn);
      if (!roleArn || !role) throw new Error(`function ${name} has no role in the templates`);
      return registry.issue({ roleLogicalId: role.logicalId, roleArn, sessionName: name });
    },
    async close() {
      for (const server of servers) await server.close();
      dynamoProxy.close();
      awsProxy.close();
      await aws.close();
      await dynamo.close();
    },
  };
};
