import type { AwsReply } from '../http/aws-json-endpoint.ts';
import { accessDeniedMessage, type Refusal } from './access-denied.ts';
import type { SignatureCheck } from './sigv4.ts';

/** The AWS services whose local endpoints enforce IAM, by their IAM prefix (CloudWatch signs as `monitoring`). */
export type EnforcedService =
  | 'dynamodb'
  | 'sqs'
  | 'events'
  | 'secretsmanager'
  | 'firehose'
  | 'athena'
  | 'cloudwatch';

/**
 * How each service words an authorization or signature failure on its own protocol, so that the SDK raises
 * the same exception it raises against AWS:
 * - DynamoDB (AWS JSON 1.0): `com.amazon.coral.service#AccessDeniedException` with `Message`, HTTP 400.
 * - EventBridge, Secrets Manager, Firehose and Athena (AWS JSON 1.1): `AccessDeniedException` with `Message`, HTTP 400.
 * - SQS (AWS JSON 1.0, query compatible): `com.amazon.coral.service#AccessDeniedException`, the action
 *   lower-cased in the message as SQS prints it (`sqs:sendmessage`). The SDK names the error after an
 *   `x-amzn-query-error` code when one is sent; none is sent for AccessDenied so that it raises
 *   AccessDeniedException, as CONTRACT §9 requires. Signature failures carry the query code
 *   SignatureDoesNotMatch (InvalidClientTokenId for a bad token), the names SQS's query API used.
 * - CloudWatch (AWS JSON 1.0, query compatible): as SQS, but AccessDenied carries its query code, so the SDK
 *   raises `AccessDenied` as it does against CloudWatch, HTTP 403, and the message names no resource (its
 *   actions have no resource-level permissions).
 */
interface ServiceProtocol {
  readonly contentType: string;
  readonly errorType: (code: string) => string;
  readonly accessDeniedStatus: number;
  readonly printedAction: (action: string) => string;
  readonly queryCodes?: Readonly<Record<SignatureCheckProblem, string>>;
  /** The query code of AccessDenied, for a service whose SDK names the exception after it. */
  readonly accessDeniedQueryCode?: string;
  /** False when the service's AccessDenied message names no resource. @default true */
  readonly namesResource?: boolean;
}

type SignatureCheckProblem = Extract<SignatureCheck, { valid: false }>['problem'];

const CORAL = (code: string) => `com.amazon.coral.service#${code}`;

/** The plain AWS JSON 1.1 services: the error's code as its `__type`, AccessDenied a 400. */
const AWS_JSON_11: ServiceProtocol = {
  contentType: 'application/x-amz-json-1.1',
  errorType: (code) => code,
  accessDeniedStatus: 400,
  printedAction: (action) => action,
};

/** The signature failures' codes in the query APIs of SQS and CloudWatch. */
const QUERY_SIGNATURE_CODES: Readonly<Record<SignatureCheckProblem, string>> = {
  mismatch: 'SignatureDoesNotMatch',
  expired: 'SignatureDoesNotMatch',
  token: 'InvalidClientTokenId',
};

const PROTOCOLS: Readonly<Record<EnforcedService, ServiceProtocol>> = {
  dynamodb: {
    contentType: 'application/x-amz-json-1.0',
    errorType: CORAL,
    accessDeniedStatus: 400,
    printedAction: (action) => action,
  },
  sqs: {
    contentType: 'application/x-amz-json-1.0',
    errorType: CORAL,
    accessDeniedStatus: 403,
    printedAction: (action) => action.toLowerCase(),
    queryCodes: QUERY_SIGNATURE_CODES,
  },
  events: AWS_JSON_11,
  secretsmanager: AWS_JSON_11,
  firehose: AWS_JSON_11,
  athena: AWS_JSON_11,
  cloudwatch: {
    contentType: 'application/x-amz-json-1.0',
    errorType: CORAL,
    accessDeniedStatus: 403,
    printedAction: (action) => action,
    queryCodes: QUERY_SIGNATURE_CODES,
    accessDeniedQueryCode: 'AccessDenied',
    namesResource: false,
  },
};

const reply = (
  protocol: ServiceProtocol,
  status: number,
  body: Record<string, string>,
  headers: Record<string, string> = {},
): AwsReply => ({
  status,
  headers: { 'content-type': protocol.contentType, ...headers },
  body: JSON.stringify(body),
});

/** The service's own words for a refused call; `resource` as the service names it. */
export const serviceAccessDeniedMessage = (
  service: EnforcedService,
  refusal: Refusal,
  action: string,
  resource: string,
): string => {
  const protocol = PROTOCOLS[service];
  return accessDeniedMessage(
    refusal,
    protocol.printedAction(action),
    protocol.namesResource === false ? undefined : resource,
  );
};

/** The service's AccessDenied answer for a refused call; `resource` as the service names it. */
export const accessDeniedReply = (
  service: EnforcedService,
  refusal: Refusal,
  action: string,
  resource: string,
): AwsReply => {
  const protocol = PROTOCOLS[service];
  const message = serviceAccessDeniedMessage(service, refusal, action, resource);
  return reply(
    protocol,
    protocol.accessDeniedStatus,
    { __type: protocol.errorType('AccessDeniedException'), Message: message },
    protocol.accessDeniedQueryCode
      ? { 'x-amzn-query-error': `${protocol.accessDeniedQueryCode};Sender` }
      : {},
  );
};

/** The service's answer to a request signed with a function's key id but not with its secret or token. */
export const signatureErrorReply = (
  service: EnforcedService,
  check: Extract<SignatureCheck, { valid: false }>,
): AwsReply => {
  const protocol = PROTOCOLS[service];
  const code = check.problem === 'token' ? 'UnrecognizedClientException' : 'InvalidSignatureException';
  const queryCode = protocol.queryCodes?.[check.problem];
  return reply(
    protocol,
    queryCode ? 403 : 400,
    { __type: protocol.errorType(code), message: check.message },
    queryCode ? { 'x-amzn-query-error': `${queryCode};Sender` } : {},
  );
};
