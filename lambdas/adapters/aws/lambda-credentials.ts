/**
 * The credentials a Lambda function runs with: its execution role's session, which the runtime puts
 * in environment variables before the handler module loads and which lasts as long as the execution
 * environment does.
 *
 * The Lambda bundles are built with this module standing in for `@aws-sdk/credential-provider-node`
 * (see `lib/bundling.ts`). The SDK clients import that package for their default credential chain
 * (profiles, SSO, web identity, container and instance metadata, with STS and SSO clients of their
 * own), none of which a Lambda function ever reaches: it is 60–90 KiB of every bundle and parse time
 * at every cold start. The clients are also given `lambdaCredentials` explicitly, so the bundle and
 * the code say the same thing.
 */

interface LambdaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export async function lambdaCredentials(): Promise<LambdaCredentials> {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; the Lambda runtime sets them from the function role.',
    );
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** `@aws-sdk/credential-provider-node`'s entry point, as the SDK clients' runtime config calls it. */
export function defaultProvider(): typeof lambdaCredentials {
  return lambdaCredentials;
}
