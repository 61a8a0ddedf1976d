import type { AwsReply } from '../http/aws-json-endpoint.ts';
import { isJsonObject, type JsonObject } from '../json.ts';
import type { Authorizer } from './authorizer.ts';
import type { CredentialRegistry } from './credentials.ts';
import { principalArnOf } from './principal.ts';
import { type AthenaCatalog, athenaChecks } from './requests/athena-requests.ts';
import type { AuthorizationCheck, CallChecks } from './requests/authorization-check.ts';
import { cloudWatchChecks } from './requests/cloudwatch-requests.ts';
import { dynamodbChecks, type TableKeys } from './requests/dynamodb-requests.ts';
import { eventBridgeChecks } from './requests/eventbridge-requests.ts';
import { firehoseChecks } from './requests/firehose-requests.ts';
import { type SecretArnResolver, secretsManagerChecks } from './requests/secrets-manager-requests.ts';
import { sqsChecks } from './requests/sqs-requests.ts';
import {
  accessDeniedReply,
  type EnforcedService,
  serviceAccessDeniedMessage,
  signatureErrorReply,
} from './service-errors.ts';
import { type ReceivedRequest, signatureClaimOf, verifySignature } from './sigv4.ts';

/** Decides, before a call is served, whether its caller may make it: undefined to go on, or the refusal. */
export type CallGuard = (request: ReceivedRequest) => Promise<AwsReply | undefined>;

/** A refused call, for `npm start`'s output (CONTRACT §9: every refusal is printed). */
export interface RefusedCall {
  readonly service: EnforcedService;
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  readonly reason: string;
}

export interface RequestGuardOptions {
  readonly authorizer: Authorizer;
  readonly credentials: CredentialRegistry;
  /** Resolves a SecretId as the local Secrets Manager does; without it secrets are checked by the SecretId. */
  readonly secretArnOf?: SecretArnResolver;
  /** Partition keys of the tables, for dynamodb:LeadingKeys. */
  readonly tableKeys?: TableKeys;
  /** The local Athena's workgroups, tables and executions, for its calls' checks. */
  readonly athena?: AthenaCatalog;
  readonly onRefusal?: (call: RefusedCall) => void;
  readonly now?: () => Date;
}

const TARGET_PREFIXES: Readonly<Record<string, EnforcedService>> = {
  DynamoDB_20120810: 'dynamodb',
  AmazonSQS: 'sqs',
  AWSEvents: 'events',
  secretsmanager: 'secretsmanager',
  Firehose_20150804: 'firehose',
  AmazonAthena: 'athena',
  GraniteServiceVersion20100801: 'cloudwatch',
};

/** The service and operation of an AWS JSON call from its X-Amz-Target (`AmazonSQS.SendMessage`). */
export const operationOfTarget = (
  target: string | undefined,
): { readonly service: EnforcedService; readonly operation: string } | undefined => {
  const dot = target?.lastIndexOf('.') ?? -1;
  if (!target || dot < 0) return undefined;
  const service = TARGET_PREFIXES[target.slice(0, dot)];
  return service ? { service, operation: target.slice(dot + 1) } : undefined;
};

/**
 * The IAM front of the local AWS endpoints: finds whose credentials signed a call (a function's role session,
 * or the administrator for any other key), checks a function's signature with its secret, maps the call to the
 * checks AWS makes and asks the authorizer. Answers undefined to let the call through, or the service's own
 * error reply.
 */
export class RequestGuard {
  constructor(private readonly options: RequestGuardOptions) {}

  /** `input` is the parsed body when the endpoint already has it (saves parsing it twice). */
  async check(request: ReceivedRequest, input?: JsonObject): Promise<AwsReply | undefined> {
    const targetHeader = request.headers['x-amz-target'];
    const call = operationOfTarget(typeof targetHeader === 'string' ? targetHeader : undefined);
    if (!call) return undefined;
    const { service, operation } = call;
    const claim = signatureClaimOf(request);
    const issued = claim ? this.options.credentials.lookup(claim.accessKeyId) : undefined;
    const principal = this.options.credentials.principalOf(issued ? claim?.accessKeyId : undefined);
    if (claim && issued) {
      const signature = await verifySignature(request, claim, issued.credentials, this.options.now?.());
      if (!signature.valid) {
        this.options.onRefusal?.({
          service,
          principalArn: principalArnOf(principal),
          action: `${service}:${operation}`,
          resource: '*',
          reason: signature.message,
        });
        return signatureErrorReply(service, signature);
      }
    }
    const body = input ?? parseBody(request.body);
    // A body the service cannot read is the endpoint's to refuse, with its own SerializationException.
    if (!body) return undefined;
    const mapped = this.checksOf(service, operation, body);
    if ('unmapped' in mapped) {
      if (principal.kind === 'administrator') return undefined;
      const refusal = {
        kind: 'not-evaluated',
        policyType: 'identity',
        principalArn: principalArnOf(principal),
        detail: mapped.unmapped,
      } as const;
      return this.refuse(service, { action: `${service}:${operation}`, resource: '*' }, refusal);
    }
    for (const check of mapped.checks) {
      const result = await this.options.authorizer.authorize({
        principal,
        action: check.action,
        resource: check.resource,
        ...(check.context ? { context: check.context } : {}),
      });
      if (!result.allowed) return this.refuse(service, check, result.refusal);
    }
    return undefined;
  }

  private checksOf(service: EnforcedService, operation: string, body: JsonObject): CallChecks {
    switch (service) {
      case 'dynamodb':
        return dynamodbChecks(operation, body, this.options.tableKeys);
      case 'sqs':
        return sqsChecks(operation, body);
      case 'events':
        return eventBridgeChecks(operation, body);
      case 'secretsmanager':
        return secretsManagerChecks(operation, body, this.options.secretArnOf ?? (() => undefined));
      case 'firehose':
        return firehoseChecks(operation, body);
      case 'athena':
        return this.options.athena
          ? athenaChecks(operation, body, this.options.athena)
          : { unmapped: 'no local Athena' };
      case 'cloudwatch':
        return cloudWatchChecks(operation);
    }
  }

  /** Answers the service's AccessDenied; the refusal is recorded in the words the caller receives. */
  private refuse(
    service: EnforcedService,
    check: AuthorizationCheck,
    refusal: Parameters<typeof accessDeniedReply>[1],
  ): AwsReply {
    const named = check.resourceInMessage ?? check.resource;
    this.options.onRefusal?.({
      service,
      principalArn: refusal.principalArn,
      action: check.action,
      resource: check.resource,
      reason: serviceAccessDeniedMessage(service, refusal, check.action, named),
    });
    return accessDeniedReply(service, refusal, check.action, named);
  }
}

const parseBody = (body: Buffer): JsonObject | undefined => {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};
