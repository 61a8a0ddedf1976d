/**
 * The account and region every local resource lives in. ARNs are built the way AWS builds them so that code
 * parsing an ARN (a queue's name, a function's name) behaves as in the cloud.
 */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_PARTITION = 'aws';

/** `arn:aws:<service>:us-east-1:000000000000:<resource>` (IAM is global: no region). */
export const localArn = (service: string, resource: string): string =>
  `arn:${LOCAL_PARTITION}:${service}:${service === 'iam' ? '' : LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

/** The function name of a Lambda ARN (qualifier dropped), or the string itself when it is already a name. */
export const functionNameOf = (arnOrName: string): string => {
  const match = /:function:([^:/]+)/.exec(arnOrName);
  return match?.[1] ?? arnOrName;
};
