import { STORED_SECRET_NAMES, type StoredSecretName } from '#shared/secret-names.ts';
import { THROTTLE_CLASSES } from './front-door.ts';
import { FUNCTIONS } from './functions.ts';
import { MAX_VIRAL_TAPS_PER_SECOND } from './funnel-capacity.ts';

/**
 * Deploy-time configuration. Every setting is read from the CDK context (`-c name=value` or cdk.json) or from
 * its environment variable, which wins so that CI can configure a deploy without editing cdk.json. A synth for
 * the cloud fails naming every missing setting at once: in every stage the viewer tokens' JWKS url (without it a
 * deployed stack could verify no applicant), outside dev also the alarm email and the secret names. The synth
 * `npm start` and the tests run is marked local (context `reelhire:local=true`, LOCAL_SYNTH_CONTEXT): it never
 * deploys, local mode replaces the JWKS with its own HS256 viewer tokens and seeds its own Secrets Manager, so
 * every setting has a default there, in any stage (`REELHIRE_STAGE=prod npm start` runs the prod settings).
 */

/** The context key that marks a synth for the local runtime. */
export const LOCAL_SYNTH_CONTEXT = 'reelhire:local';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export interface ReelHireConfig {
  readonly stage: Stage;
  /** Synthesized for the local runtime, never to deploy (LOCAL_SYNTH_CONTEXT). */
  readonly local: boolean;
  /** Where the functions that verify viewer tokens fetch the keys of Contra's viewer tokens. */
  readonly viewerJwksUrl: string;
  /** The Secrets Manager name of each stored secret; functions get the names of those they read. */
  readonly secretNames: Readonly<Record<StoredSecretName, string>>;
  /** Receives the alarm notifications. @default - no subscription (dev only) */
  readonly alarmEmail: string | undefined;
  /** Base of the Apply links, the YouTube callback and the webhook urls. @default - the front door's url */
  readonly publicBaseUrl: string | undefined;
  /**
   * The front door's own domain: the CloudFront distribution answers it, and the API answers only
   * `origin.<name>` (its execute-api url is disabled, so CloudFront cannot be bypassed).
   * @default - the distribution's `*.cloudfront.net` domain, and the execute-api url stays open
   */
  readonly customDomain: CustomDomainConfig | undefined;
  /**
   * A rule on the account's default bus forwards `reelhire.*` events to ReelHire's bus, so that a producer
   * (or `aws events put-events`) that names no bus still reaches the handlers. Off where several stages share
   * an account, since each would take the same events. @default true in dev, false in prod
   */
  readonly forwardDefaultBus: boolean;
  /**
   * The platforms' AWS accounts, which may put rules on the bus for the events they subscribe to (CONTRACT §6).
   * @default none
   */
  readonly platformAccountIds: readonly string[];
  /**
   * The rate a viral video's viewers may reach, set once the account's quotas are raised for it (docs/deploy.md
   * §9b): its counted redirects and its job's apply page each get this route throttle, and the functions serving
   * them the concurrency it needs (lib/funnel-capacity.ts). @default - those routes stay in the `viewer` class
   */
  readonly viralTapsPerSecond: number | undefined;
}

export interface CustomDomainConfig {
  readonly name: string;
  /** An ACM certificate in us-east-1 covering `name` and `origin.<name>`. */
  readonly certificateArn: string;
}

/** The API's own domain under a custom domain: CloudFront's origin, and the only way into the API. */
export const originDomainOf = (domain: CustomDomainConfig): string => `origin.${domain.name}`;

/** Reads one raw setting by its context key; returns undefined when unset. */
export type ContextReader = (key: string) => unknown;

interface Setting {
  readonly context: string;
  readonly env: string;
}

const setting = (context: string, env: string): Setting => ({ context, env });

export const SETTINGS = {
  stage: setting('stage', 'REELHIRE_STAGE'),
  viewerJwksUrl: setting('viewerJwksUrl', 'REELHIRE_VIEWER_JWKS_URL'),
  alarmEmail: setting('alarmEmail', 'REELHIRE_ALARM_EMAIL'),
  publicBaseUrl: setting('publicBaseUrl', 'REELHIRE_PUBLIC_BASE_URL'),
  domainName: setting('domainName', 'REELHIRE_DOMAIN_NAME'),
  certificateArn: setting('certificateArn', 'REELHIRE_CERTIFICATE_ARN'),
  forwardDefaultBus: setting('forwardDefaultBus', 'REELHIRE_FORWARD_DEFAULT_BUS'),
  platformAccountIds: setting('platformAccountIds', 'REELHIRE_PLATFORM_ACCOUNT_IDS'),
  viralTapsPerSecond: setting('viralTapsPerSecond', 'REELHIRE_VIRAL_TAPS_PER_SECOND'),
} as const;

/** `TIKTOK_CLIENT_SECRET` → context `tiktokClientSecretName`, env `REELHIRE_TIKTOK_CLIENT_SECRET_NAME`. */
export const secretSetting = (name: StoredSecretName): Setting => {
  const camel = name.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return setting(`${camel}Name`, `REELHIRE_${name}_NAME`);
};

/** The secrets some function reads: only these must be configured. */
export const secretsInUse = (): ReadonlySet<StoredSecretName> =>
  new Set(Object.values(FUNCTIONS).flatMap((spec): readonly StoredSecretName[] => spec.secrets));

const DEFAULTS = {
  /** Local synths only: local mode verifies its own HS256 viewer tokens, and `.invalid` never resolves. */
  viewerJwksUrl: 'https://contra.invalid/.well-known/jwks.json',
  /** `reelhire/<stage>/<kebab-case name>`: dev's default, and what a local synth of any stage uses. */
  secretName: (stage: Stage, name: StoredSecretName): string =>
    `reelhire/${stage}/${name.toLowerCase().replaceAll('_', '-')}`,
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const describe = (entry: Setting): string => `${entry.context} (-c ${entry.context}=… or ${entry.env})`;

/**
 * Resolves the configuration or throws a ConfigError that names every missing or malformed setting.
 * @param context the CDK context (app.node.tryGetContext)
 * @param env the environment (process.env)
 */
export const loadConfig = (context: ContextReader, env: NodeJS.ProcessEnv): ReelHireConfig => {
  const problems: string[] = [];
  const missing: string[] = [];

  const read = (entry: Setting): string | undefined => {
    const fromEnv = env[entry.env];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
    const fromContext = context(entry.context);
    if (fromContext === undefined || fromContext === null || fromContext === '') return undefined;
    // cdk.json may hold a JSON boolean where `-c` gives a string.
    if (typeof fromContext === 'boolean') return String(fromContext);
    if (typeof fromContext !== 'string') {
      problems.push(`${entry.context} must be a string`);
      return undefined;
    }
    return fromContext.trim();
  };

  const stageValue = read(SETTINGS.stage) ?? 'dev';
  if (!(STAGES as readonly string[]).includes(stageValue)) {
    throw new ConfigError(`stage must be one of ${STAGES.join(', ')}, got "${stageValue}"`);
  }
  const stage = stageValue as Stage;
  const isDev = stage === 'dev';
  const localValue = context(LOCAL_SYNTH_CONTEXT);
  const local = localValue === true || localValue === 'true';

  /** A setting that must be given: `fallback` applies where it may be left out (undefined: nowhere). */
  const required = (entry: Setting, fallback: string | undefined): string => {
    const value = read(entry);
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    missing.push(describe(entry));
    return '';
  };

  // A deployed stack without the JWKS url would answer 503 to every applicant, in any stage.
  const viewerJwksUrl = required(SETTINGS.viewerJwksUrl, local ? DEFAULTS.viewerJwksUrl : undefined);
  if (viewerJwksUrl !== '' && !isHttpsUrl(viewerJwksUrl)) problems.push('viewerJwksUrl must be an https url');

  const alarmEmail = read(SETTINGS.alarmEmail);
  if (alarmEmail === undefined && !isDev && !local) missing.push(describe(SETTINGS.alarmEmail));
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    problems.push('alarmEmail must be an email address');
  }

  const publicBaseUrl = read(SETTINGS.publicBaseUrl)?.replace(/\/+$/, '');
  if (publicBaseUrl !== undefined && !isHttpsUrl(publicBaseUrl)) {
    problems.push('publicBaseUrl must be an https url');
  }

  const customDomain = readCustomDomain(read(SETTINGS.domainName), read(SETTINGS.certificateArn), problems);

  const forwardDefaultBusValue = read(SETTINGS.forwardDefaultBus);
  if (forwardDefaultBusValue !== undefined && !['true', 'false'].includes(forwardDefaultBusValue)) {
    problems.push('forwardDefaultBus must be true or false');
  }
  const forwardDefaultBus = forwardDefaultBusValue === undefined ? isDev : forwardDefaultBusValue === 'true';

  const platformAccountIds = (read(SETTINGS.platformAccountIds) ?? '')
    .split(',')
    .map((account) => account.trim())
    .filter((account) => account !== '');
  if (platformAccountIds.some((account) => !/^\d{12}$/.test(account))) {
    problems.push('platformAccountIds must be comma-separated 12-digit AWS account ids');
  }

  const viralTapsValue = read(SETTINGS.viralTapsPerSecond);
  const viralTapsPerSecond = viralTapsValue === undefined ? undefined : Number(viralTapsValue);
  if (
    viralTapsPerSecond !== undefined &&
    !(
      Number.isSafeInteger(viralTapsPerSecond) &&
      viralTapsPerSecond > THROTTLE_CLASSES.viewer.rateLimit &&
      viralTapsPerSecond <= MAX_VIRAL_TAPS_PER_SECOND
    )
  ) {
    problems.push(
      `viralTapsPerSecond must be a whole number above the viewer class's ${THROTTLE_CLASSES.viewer.rateLimit} and at most ${MAX_VIRAL_TAPS_PER_SECOND}`,
    );
  }

  const inUse = secretsInUse();
  const secretNames = Object.fromEntries(
    STORED_SECRET_NAMES.map((name) => {
      const entry = secretSetting(name);
      const fallback = DEFAULTS.secretName(stage, name);
      const value = inUse.has(name) ? required(entry, isDev || local ? fallback : undefined) : read(entry);
      if (value && !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(value)) {
        problems.push(`${entry.context} is not a valid Secrets Manager secret name`);
      }
      return [name, value || fallback];
    }),
  ) as Record<StoredSecretName, string>;

  if (missing.length > 0) {
    problems.unshift(`stage ${stage} is missing required configuration: ${missing.join(', ')}`);
  }
  if (problems.length > 0) throw new ConfigError(`ReelHire config: ${problems.join('; ')}`);

  return {
    stage,
    local,
    viewerJwksUrl,
    secretNames,
    alarmEmail,
    publicBaseUrl,
    customDomain,
    forwardDefaultBus,
    platformAccountIds: [...new Set(platformAccountIds)],
    viralTapsPerSecond,
  };
};

/** Both or neither; a host name, and a certificate where CloudFront takes one (ACM in us-east-1). */
const readCustomDomain = (
  name: string | undefined,
  certificateArn: string | undefined,
  problems: string[],
): CustomDomainConfig | undefined => {
  if (name === undefined && certificateArn === undefined) return undefined;
  if (name === undefined || certificateArn === undefined) {
    problems.push(
      `domainName and certificateArn go together (${describe(SETTINGS.domainName)}, ${describe(SETTINGS.certificateArn)})`,
    );
    return undefined;
  }
  if (!/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/.test(name)) {
    problems.push('domainName must be a lower-case host name such as reelhire.example.com');
  }
  if (!/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    problems.push('certificateArn must be an ACM certificate in us-east-1 (CloudFront takes no other)');
  }
  return { name, certificateArn };
};

const isHttpsUrl = (value: string): boolean => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};
