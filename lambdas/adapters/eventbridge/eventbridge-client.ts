import type { PutEventsRequest, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { AwsCommand, AwsServiceClient, awsJsonProtocol, type ServiceClientOptions } from '../aws/aws-client';

/** EventBridge's PutEvents, as the SDK names and shapes it (awsJson 1.1). */
export class PutEventsCommand extends AwsCommand<PutEventsRequest, PutEventsResponse> {
  readonly operation = 'PutEvents';
}

export function createEventBridgeClient(options: ServiceClientOptions): AwsServiceClient {
  return new AwsServiceClient(
    { ...options, service: 'events', serviceId: 'EVENTBRIDGE' },
    awsJsonProtocol('AWSEvents', '1.1'),
  );
}
