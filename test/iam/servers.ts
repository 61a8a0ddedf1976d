import { LOCAL_REGION } from '../../local/local-account.ts';

export { type LoopbackServer, listenOnLoopback } from '../../local/testing/loopback-server.ts';

/** SDK client settings for a local endpoint, signed with the given credentials, without retries. */
export const clientConfig = (
  endpoint: string,
  credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  },
) => ({ endpoint, region: LOCAL_REGION, credentials, maxAttempts: 1 });

/** Credentials no function was issued: the administrator's, locally. */
export const DEVELOPER_CREDENTIALS = {
  accessKeyId: 'AKIADEVELOPER0000001',
  secretAccessKey: 'developer-secret',
};
