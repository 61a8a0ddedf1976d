import { LOCAL_ACCOUNT } from '../local-account.ts';

/** Who makes a request, as IAM sees it. */
export type Principal =
  /** A session of an IAM role: a function (Lambda names the session after the function). */
  | { readonly kind: 'role-session'; readonly roleArn: string; readonly sessionName: string }
  /** An IAM user or role acting without a session name (policy examples, other accounts). */
  | { readonly kind: 'iam'; readonly arn: string }
  /** An AWS service delivering on the account's behalf (events.amazonaws.com, cloudwatch.amazonaws.com…). */
  | { readonly kind: 'service'; readonly service: string }
  /** Any credentials that are not a function's (the developer's CLI, a test): the account's administrator. */
  | { readonly kind: 'administrator' };

/** The identity the local administrator acts as; it holds AdministratorAccess. */
export const LOCAL_ADMINISTRATOR_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:user/local-administrator`;

export const ADMINISTRATOR: Principal = { kind: 'administrator' };

/** The name of a role from its ARN (`role/path/name` → `name`). */
export const roleNameOf = (roleArn: string): string => roleArn.split('/').pop() ?? roleArn;

/** The account of an ARN, or undefined when it has none (S3 buckets, `*`). */
export const accountOf = (arn: string): string | undefined => {
  const account = arn.split(':')[4];
  return account === undefined || account === '' ? undefined : account;
};

/** The ARN AWS names the caller by in errors and in `aws:PrincipalArn`-style matching. */
export const principalArnOf = (principal: Principal): string => {
  switch (principal.kind) {
    case 'role-session': {
      const account = accountOf(principal.roleArn) ?? LOCAL_ACCOUNT;
      return `arn:aws:sts::${account}:assumed-role/${roleNameOf(principal.roleArn)}/${principal.sessionName}`;
    }
    case 'iam':
      return principal.arn;
    case 'service':
      return principal.service;
    case 'administrator':
      return LOCAL_ADMINISTRATOR_ARN;
  }
};

/** A string telling principals apart, for caches. */
export const principalKeyOf = (principal: Principal): string =>
  `${principal.kind}|${principalArnOf(principal)}`;
