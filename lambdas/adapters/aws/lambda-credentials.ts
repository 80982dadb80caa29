/**
 * The credentials a Lambda function runs with: its execution role's session, which the runtime puts
 * in environment variables before the handler module loads and which lasts as long as the execution
 * environment does.
 * Read at every request, so a runtime that renews them is followed.
 *
 * The SDK's default credential chain (profiles, SSO, web identity, container and instance metadata,
 * with STS and SSO clients of their own) is none of this: a Lambda function never reaches past the
 * environment, and the chain was 60–90 KiB of every bundle.
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
