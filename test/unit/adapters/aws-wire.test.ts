/**
 * The functions talk to AWS through their own small client (lambdas/adapters/aws/aws-client.ts), not
 * the SDK's. AWS itself cannot be reached here, so each call Countersign makes is held against the
 * pinned AWS SDK as the reference: both send the same input to one recording HTTP endpoint, which
 * answers both alike, and the test compares what went over the wire (method, path, query, protocol
 * headers, JSON body) and what each made of the answer (output, or the error's name and message).
 * The signature is held against the SDK's own signer (@smithy/signature-v4) separately.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as EventBridgeSdk from '@aws-sdk/client-eventbridge';
import * as KmsSdk from '@aws-sdk/client-kms';
import * as SchedulerSdk from '@aws-sdk/client-scheduler';
import * as SfnSdk from '@aws-sdk/client-sfn';
import * as DocumentSdk from '@aws-sdk/lib-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClient, AwsServiceError, signRequest } from '../../../lambdas/adapters/aws/aws-client';
import * as Documents from '../../../lambdas/adapters/dynamodb/document-client';
import * as EventBridge from '../../../lambdas/adapters/eventbridge/eventbridge-client';
import * as Scheduler from '../../../lambdas/adapters/eventbridge-scheduler/scheduler-client';
import * as Kms from '../../../lambdas/adapters/kms/kms-client';
import { ParameterStoreClient } from '../../../lambdas/adapters/ssm/parameter-store-client';
import * as Sfn from '../../../lambdas/adapters/step-functions/sfn-client';

interface Received {
  readonly url: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
  sessionToken: 'tok',
};
const REGION = 'eu-west-1';

let server: Server;
let endpoint: string;
let received: Received[] = [];
let answer: Answer = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      received.push({
        url: request.url ?? '',
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const sdkConfig = () => ({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
const ourConfig = () => ({ endpoint, region: REGION, credentials: async () => CREDENTIALS, maxAttempts: 1 });

/** What a request carries that the service reads; idempotency tokens are fresh random values on both sides. */
function wire(request: Received | undefined) {
  if (request === undefined) throw new Error('nothing was sent');
  const { clientToken: _queryToken, ...query } = request.query;
  let body: unknown;
  if (request.body !== '') {
    const { ClientToken: _bodyToken, ...rest } = JSON.parse(request.body) as Record<string, unknown>;
    body = rest;
  }
  return {
    method: request.method,
    path: request.path,
    query,
    contentType: request.headers['content-type'],
    target: request.headers['x-amz-target'],
    body,
    hasClientToken: 'clientToken' in request.query || request.body.includes('"ClientToken"'),
  };
}

/** The output without the SDK's response metadata, or the error as adapters read it. */
async function outcome(call: () => Promise<unknown>) {
  try {
    const output = (await call()) as Record<string, unknown>;
    const { $metadata: _metadata, ...rest } = output;
    return { output: rest };
  } catch (error) {
    const { name, message } = error as Error;
    return { error: { name, message } };
  }
}

/** Sends through the SDK, then through ours; both wires and both outcomes must be the same. */
async function compare(options: {
  readonly answer: Answer;
  readonly sdk: () => Promise<unknown>;
  readonly ours: () => Promise<unknown>;
}) {
  answer = options.answer;
  received = [];
  const fromSdk = await outcome(options.sdk);
  const fromOurs = await outcome(options.ours);
  expect(received).toHaveLength(2);
  expect(wire(received[1])).toEqual(wire(received[0]));
  expect(fromOurs).toEqual(fromSdk);
  return { wire: wire(received[1]), outcome: fromOurs };
}

describe('Module: aws-client, on the wire, against the AWS SDK', () => {
  describe('DynamoDB (awsJson 1.0), through the document clients', () => {
    const sdk = () =>
      DocumentSdk.DynamoDBDocumentClient.from(new DynamoDBClient(sdkConfig()), {
        marshallOptions: { removeUndefinedValues: true },
      });
    const ours = () => Documents.createDocumentClient(ourConfig());
    const item = {
      pk: 'JOB#1',
      sk: 'RESULT',
      count: 3,
      ratio: 0.5,
      flags: [true, false, null],
      nested: { list: ['a', 1], empty: {} },
      missing: undefined,
      text: 'ünïcødé ✓',
    };
    const wireItem = {
      pk: { S: 'JOB#1' },
      sk: { S: 'RESULT' },
      count: { N: '3' },
      nested: { M: { list: { L: [{ S: 'a' }, { N: '1' }] }, empty: { M: {} } } },
    };

    it('GetItem: the key marshalled, the item unmarshalled', async () => {
      const input = { TableName: 't', Key: { pk: 'JOB#1', sk: 'RESULT' }, ConsistentRead: true };
      const { wire: sent, outcome: result } = await compare({
        answer: { status: 200, body: { Item: wireItem } },
        sdk: () => sdk().send(new DocumentSdk.GetCommand(input)),
        ours: () => ours().send(new Documents.GetCommand(input)),
      });
      expect(sent.target).toBe('DynamoDB_20120810.GetItem');
      expect(sent.contentType).toBe('application/x-amz-json-1.0');
      expect(result).toEqual({
        output: { Item: { pk: 'JOB#1', sk: 'RESULT', count: 3, nested: { list: ['a', 1], empty: {} } } },
      });
    });

    it('PutItem with a condition, undefined values left out', async () => {
      const input = {
        TableName: 't',
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk) AND #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'PENDING', ':gone': undefined },
        ReturnValues: 'ALL_OLD' as const,
      };
      await compare({
        answer: { status: 200, body: { Attributes: wireItem } },
        sdk: () => sdk().send(new DocumentSdk.PutCommand(input)),
        ours: () => ours().send(new Documents.PutCommand(input)),
      });
    });

    it('UpdateItem returning the new item', async () => {
      const input = {
        TableName: 't',
        Key: { pk: 'a', sk: 'b' },
        UpdateExpression: 'SET #n = :n ADD hits :one',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': 'x', ':one': 1 },
        ReturnValues: 'ALL_NEW' as const,
      };
      await compare({
        answer: { status: 200, body: { Attributes: wireItem } },
        sdk: () => sdk().send(new DocumentSdk.UpdateCommand(input)),
        ours: () => ours().send(new Documents.UpdateCommand(input)),
      });
    });

    it('DeleteItem', async () => {
      const input = {
        TableName: 't',
        Key: { pk: 'a', sk: 'b' },
        ConditionExpression: 'attribute_exists(pk)',
      };
      await compare({
        answer: { status: 200, body: {} },
        sdk: () => sdk().send(new DocumentSdk.DeleteCommand(input)),
        ours: () => ours().send(new Documents.DeleteCommand(input)),
      });
    });

    it('Query with a start key: items and the last key unmarshalled', async () => {
      const input = {
        TableName: 't',
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :s)',
        FilterExpression: 'contains(#n, :q)',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':p': 'P', ':s': 'S#', ':q': 'x' },
        ExclusiveStartKey: { pk: 'a', sk: 'b', gsi1pk: 'P', gsi1sk: 'S#1' },
        ScanIndexForward: false,
        Limit: 50,
      };
      await compare({
        answer: {
          status: 200,
          body: {
            Items: [wireItem, wireItem],
            Count: 2,
            ScannedCount: 7,
            LastEvaluatedKey: { pk: { S: 'z' } },
          },
        },
        sdk: () => sdk().send(new DocumentSdk.QueryCommand(input)),
        ours: () => ours().send(new Documents.QueryCommand(input)),
      });
    });

    it('BatchWriteItem (benchmark seeding)', async () => {
      const input = {
        RequestItems: {
          t: [
            { PutRequest: { Item: { pk: 'a', sk: 'b', n: 1 } } },
            { DeleteRequest: { Key: { pk: 'c', sk: 'd' } } },
          ],
        },
      };
      await compare({
        answer: { status: 200, body: { UnprocessedItems: {} } },
        sdk: () => sdk().send(new DocumentSdk.BatchWriteCommand(input)),
        ours: () => ours().send(new Documents.BatchWriteCommand(input)),
      });
    });

    it('a failed condition: the same error name and message', async () => {
      const input = {
        TableName: 't',
        Item: { pk: 'a', sk: 'b' },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      const { outcome: result } = await compare({
        answer: {
          status: 400,
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
            message: 'The conditional request failed',
          },
        },
        sdk: () => sdk().send(new DocumentSdk.PutCommand(input)),
        ours: () => ours().send(new Documents.PutCommand(input)),
      });
      expect(result).toEqual({
        error: { name: 'ConditionalCheckFailedException', message: 'The conditional request failed' },
      });
    });
  });

  describe('Step Functions (awsJson 1.0)', () => {
    const input = {
      stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:run',
      name: 'r1',
      input: '{"a":1}',
    };

    it('StartExecution', async () => {
      const { wire: sent } = await compare({
        answer: { status: 200, body: { executionArn: 'arn:aws:states:eu-west-1:1:execution:run:r1' } },
        sdk: () => new SfnSdk.SFNClient(sdkConfig()).send(new SfnSdk.StartExecutionCommand(input)),
        ours: () => Sfn.createSfnClient(ourConfig()).send(new Sfn.StartExecutionCommand(input)),
      });
      expect(sent.target).toBe('AWSStepFunctions.StartExecution');
    });

    it('ExecutionAlreadyExists is named as the SDK names it', async () => {
      const { outcome: result } = await compare({
        answer: {
          status: 400,
          body: {
            __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists',
            message: 'Execution Already Exists',
          },
        },
        sdk: () => new SfnSdk.SFNClient(sdkConfig()).send(new SfnSdk.StartExecutionCommand(input)),
        ours: () => Sfn.createSfnClient(ourConfig()).send(new Sfn.StartExecutionCommand(input)),
      });
      expect(result).toEqual({
        error: { name: 'ExecutionAlreadyExists', message: 'Execution Already Exists' },
      });
    });
  });

  describe('EventBridge (awsJson 1.1)', () => {
    it('PutEvents, with a refused entry reported in the output', async () => {
      const input = {
        Entries: [
          { EventBusName: 'bus', Source: 'countersign', DetailType: 'Approval Requested', Detail: '{"a":1}' },
        ],
      };
      const { wire: sent } = await compare({
        answer: {
          status: 200,
          body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'X', ErrorMessage: 'no' }] },
        },
        sdk: () =>
          new EventBridgeSdk.EventBridgeClient(sdkConfig()).send(new EventBridgeSdk.PutEventsCommand(input)),
        ours: () =>
          EventBridge.createEventBridgeClient(ourConfig()).send(new EventBridge.PutEventsCommand(input)),
      });
      expect(sent.target).toBe('AWSEvents.PutEvents');
      expect(sent.contentType).toBe('application/x-amz-json-1.1');
    });
  });

  describe('KMS (awsJson 1.1, blobs as base64)', () => {
    const blob = Uint8Array.from({ length: 40 }, (_, i) => (i * 37) % 256);
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);

    it('GenerateDataKey: the plaintext and encrypted key as bytes', async () => {
      const input = {
        KeyId: 'arn:aws:kms:eu-west-1:1:key/k',
        KeySpec: 'AES_256' as const,
        EncryptionContext: { job_result_id: 'r1' },
      };
      const { outcome: result } = await compare({
        answer: {
          status: 200,
          body: {
            KeyId: 'k',
            Plaintext: Buffer.from(key).toString('base64'),
            CiphertextBlob: Buffer.from(blob).toString('base64'),
          },
        },
        sdk: () => new KmsSdk.KMSClient(sdkConfig()).send(new KmsSdk.GenerateDataKeyCommand(input)),
        ours: () => Kms.createKmsClient(ourConfig()).send(new Kms.GenerateDataKeyCommand(input)),
      });
      expect(result).toEqual({ output: { KeyId: 'k', Plaintext: key, CiphertextBlob: blob } });
    });

    it('Decrypt: the encrypted key sent as base64; a wrong context named as the SDK names it', async () => {
      const input = { KeyId: 'k', CiphertextBlob: blob, EncryptionContext: { job_result_id: 'r1' } };
      const { wire: sent } = await compare({
        answer: { status: 200, body: { KeyId: 'k', Plaintext: Buffer.from(key).toString('base64') } },
        sdk: () => new KmsSdk.KMSClient(sdkConfig()).send(new KmsSdk.DecryptCommand(input)),
        ours: () => Kms.createKmsClient(ourConfig()).send(new Kms.DecryptCommand(input)),
      });
      expect(sent.body).toMatchObject({ CiphertextBlob: Buffer.from(blob).toString('base64') });
      const { outcome: refused } = await compare({
        answer: { status: 400, body: { __type: 'InvalidCiphertextException', message: null } },
        sdk: () => new KmsSdk.KMSClient(sdkConfig()).send(new KmsSdk.DecryptCommand(input)),
        ours: () => Kms.createKmsClient(ourConfig()).send(new Kms.DecryptCommand(input)),
      });
      expect(refused).toMatchObject({ error: { name: 'InvalidCiphertextException' } });
    });
  });

  describe('EventBridge Scheduler (restJson1)', () => {
    const create = {
      Name: '0b7c1f3e-2d4a-4e8b-9c1d-5f6a7b8c9d0e',
      GroupName: 'countersign',
      Description: 'jobs.Example: nightly ✓',
      ScheduleExpression: 'cron(15 * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      StartDate: new Date('2030-02-01T10:15:00Z'),
      EndDate: new Date('2030-03-01T00:00:00.500Z'),
      ActionAfterCompletion: 'NONE' as const,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      State: 'ENABLED' as const,
      Target: {
        Arn: 'arn:aws:states:eu-west-1:1:stateMachine:run',
        RoleArn: 'arn:aws:iam::1:role/r',
        Input: '{"scheduled_job_id":"x","scheduled_time":"<aws.scheduler.scheduled-time>"}',
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:1:dlq' },
      },
    };
    const sdk = () => new SchedulerSdk.SchedulerClient(sdkConfig());
    const ours = () => Scheduler.createSchedulerClient(ourConfig());

    it('CreateSchedule and UpdateSchedule: name in the path, dates as epoch seconds, a fresh ClientToken', async () => {
      const created = await compare({
        answer: { status: 200, body: { ScheduleArn: 'arn:s' } },
        sdk: () => sdk().send(new SchedulerSdk.CreateScheduleCommand(create)),
        ours: () => ours().send(new Scheduler.CreateScheduleCommand(create)),
      });
      expect(created.wire).toMatchObject({
        method: 'POST',
        path: `/schedules/${create.Name}`,
        hasClientToken: true,
      });
      const updated = await compare({
        answer: { status: 200, body: { ScheduleArn: 'arn:s' } },
        sdk: () => sdk().send(new SchedulerSdk.UpdateScheduleCommand(create)),
        ours: () => ours().send(new Scheduler.UpdateScheduleCommand(create)),
      });
      expect(updated.wire).toMatchObject({ method: 'PUT', hasClientToken: true });
    });

    it('GetSchedule: the group in the query, dates back as Dates', async () => {
      const input = { Name: create.Name, GroupName: 'countersign' };
      const { wire: sent } = await compare({
        answer: {
          status: 200,
          body: { Name: create.Name, State: 'DISABLED', StartDate: 1896171300, CreationDate: 1.8e9 },
        },
        sdk: () => sdk().send(new SchedulerSdk.GetScheduleCommand(input)),
        ours: () => ours().send(new Scheduler.GetScheduleCommand(input)),
      });
      expect(sent).toMatchObject({ method: 'GET', query: { groupName: 'countersign' } });
    });

    it('DeleteSchedule, and a missing schedule named ResourceNotFoundException from the error header', async () => {
      const input = { Name: create.Name, GroupName: 'countersign' };
      await compare({
        answer: { status: 200, body: {} },
        sdk: () => sdk().send(new SchedulerSdk.DeleteScheduleCommand(input)),
        ours: () => ours().send(new Scheduler.DeleteScheduleCommand(input)),
      });
      const { outcome: result } = await compare({
        answer: {
          status: 404,
          headers: {
            'x-amzn-errortype':
              'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.chronos/',
          },
          body: { Message: 'Schedule x does not exist.' },
        },
        sdk: () => sdk().send(new SchedulerSdk.DeleteScheduleCommand(input)),
        ours: () => ours().send(new Scheduler.DeleteScheduleCommand(input)),
      });
      expect(result).toEqual({
        error: { name: 'ResourceNotFoundException', message: 'Schedule x does not exist.' },
      });
    });
  });

  describe('Systems Manager (awsJson 1.1)', () => {
    it('GetParameter with decryption', async () => {
      answer = { status: 200, body: { Parameter: { Value: 'v' } } };
      received = [];
      await new ParameterStoreClient(ourConfig()).getSecureString('/p');
      expect(wire(received[0])).toMatchObject({
        target: 'AmazonSSM.GetParameter',
        contentType: 'application/x-amz-json-1.1',
        body: { Name: '/p', WithDecryption: true },
      });
    });
  });
});

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC from node:crypto, in the shape the SDK's signer takes. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

describe('Function: signRequest', () => {
  const cases: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
    service: string;
  }[] = [
    {
      method: 'POST',
      path: '/',
      query: {},
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{"TableName":"t"}',
      service: 'dynamodb',
    },
    {
      method: 'DELETE',
      path: '/schedules/a-b_c.d',
      query: { groupName: 'countersign', clientToken: 'x y/z+é' },
      headers: {},
      body: '',
      service: 'scheduler',
    },
    {
      method: 'PUT',
      path: '/schedules/n',
      query: {},
      headers: { 'content-type': 'application/json', 'user-agent': 'not signed', 'x-amz-meta': '  a   b  ' },
      body: '{"Description":"ünïcødé"}',
      service: 'scheduler',
    },
  ];

  it.each(cases)('signs $method $path for $service as the SDK signer does', async (request) => {
    const date = new Date('2026-11-30T12:34:56.789Z');
    const host = 'service.eu-west-1.amazonaws.com';
    for (const credentials of [CREDENTIALS, { accessKeyId: 'AKID', secretAccessKey: 'SECRET' }]) {
      const ours = signRequest({
        ...request,
        headers: { ...request.headers, host },
        region: REGION,
        credentials,
        date,
      });
      const reference = await new SignatureV4({
        service: request.service,
        region: REGION,
        credentials,
        sha256: NodeSha256,
      }).sign(
        {
          method: request.method,
          protocol: 'https:',
          hostname: host,
          path: request.path,
          query: request.query,
          headers: { ...request.headers, host },
          body: request.body,
        },
        { signingDate: date },
      );
      const lower = Object.fromEntries(
        Object.entries(reference.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      expect(ours.authorization).toBe(lower.authorization);
      expect(ours['x-amz-date']).toBe(lower['x-amz-date']);
      expect(ours['x-amz-security-token']).toBe(lower['x-amz-security-token']);
    }
  });
});

describe('Class: AwsClient', () => {
  it("takes its endpoint from the SDK's variables: the service's own first, then the general one", () => {
    const saved = { ...process.env };
    try {
      process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
      process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:2';
      const options = { region: 'eu-west-1', credentials: async () => CREDENTIALS };
      expect(new AwsClient({ ...options, service: 'dynamodb', serviceId: 'DYNAMODB' }).endpoint.port).toBe(
        '2',
      );
      expect(new AwsClient({ ...options, service: 'states', serviceId: 'SFN' }).endpoint.port).toBe('1');
      delete process.env.AWS_ENDPOINT_URL;
      expect(new AwsClient({ ...options, service: 'states', serviceId: 'SFN' }).endpoint.href).toBe(
        'https://states.eu-west-1.amazonaws.com/',
      );
      expect(
        new AwsClient({ ...options, region: 'cn-north-1', service: 'states', serviceId: 'SFN' }).endpoint
          .host,
      ).toBe('states.cn-north-1.amazonaws.com.cn');
    } finally {
      process.env = saved;
    }
  });

  const client = (overrides: Partial<ConstructorParameters<typeof AwsClient>[0]> = {}) =>
    new AwsClient({
      service: 'dynamodb',
      serviceId: 'DYNAMODB',
      ...ourConfig(),
      maxAttempts: 3,
      sleep: async () => undefined,
      ...overrides,
    });

  it('retries throttling and 5xx answers, three attempts in all, then throws the last', async () => {
    for (const failure of [
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'slow',
        },
      },
      { status: 503, body: { message: 'unavailable' } },
    ]) {
      answer = failure;
      received = [];
      const error = await client()
        .json('DynamoDB_20120810.GetItem', {}, '1.0')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AwsServiceError);
      expect(received).toHaveLength(3);
    }
  });

  it('sends the query encoded as it was signed (a space as %20, never +)', async () => {
    answer = { status: 200, body: {} };
    received = [];
    await client().request({ method: 'GET', path: '/schedules/n', query: { groupName: 'a b+c/é' } });
    expect(received[0]?.url).toBe('/schedules/n?groupName=a%20b%2Bc%2F%C3%A9');
  });

  it('does not retry what a retry cannot change (a failed condition, a validation error)', async () => {
    answer = {
      status: 400,
      body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'bad' },
    };
    received = [];
    const error = await client()
      .json('DynamoDB_20120810.GetItem', {}, '1.0')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: 'bad',
      $metadata: { httpStatusCode: 400 },
    });
    expect(received).toHaveLength(1);
  });

  it('retries a refused connection and a timed-out answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sleeps: number[] = [];
    const refused = await client({
      endpoint: `http://127.0.0.1:${port}`,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    })
      .json('DynamoDB_20120810.GetItem', {}, '1.0')
      .catch((caught: unknown) => caught);
    expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);

    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    let attempts = 0;
    silent.on('request', () => {
      attempts += 1;
    });
    const timedOut = await client({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      timeoutMs: 50,
    })
      .json('DynamoDB_20120810.GetItem', {}, '1.0')
      .catch((caught: unknown) => caught);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    expect(timedOut).toMatchObject({ name: 'TimeoutError' });
    expect(attempts).toBe(3);
  });
});
