import type { StartExecutionInput, StartExecutionOutput } from '@aws-sdk/client-sfn';
import { AwsCommand, AwsServiceClient, awsJsonProtocol, type ServiceClientOptions } from '../aws/aws-client';

/** Step Functions' StartExecution, as the SDK names and shapes it (awsJson 1.0). */
export class StartExecutionCommand extends AwsCommand<StartExecutionInput, StartExecutionOutput> {
  readonly operation = 'StartExecution';
}

export function createSfnClient(options: ServiceClientOptions): AwsServiceClient {
  return new AwsServiceClient(
    { ...options, service: 'states', serviceId: 'SFN' },
    awsJsonProtocol('AWSStepFunctions', '1.0'),
  );
}
