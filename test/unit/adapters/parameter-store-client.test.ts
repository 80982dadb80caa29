import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ParameterStoreClient,
  ParameterStoreError,
} from '../../../lambdas/adapters/ssm/parameter-store-client';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A stand-in for Systems Manager's JSON 1.1 endpoint: what it received, and what it answers next. */
let server: Server;
let endpoint: string;
let received: Received[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
});

const client = () =>
  new ParameterStoreClient({
    region: 'eu-west-1',
    endpoint,
    credentials: async () => ({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    }),
    sleep: async () => undefined,
  });

describe('Class: ParameterStoreClient', () => {
  describe('Method: getSecureString', () => {
    it('sends a SigV4-signed GetParameter with decryption and returns the value', async () => {
      // Prepare
      answer = { status: 200, body: { Parameter: { Name: '/p', Type: 'SecureString', Value: 'c2VjcmV0' } } };

      // Act
      const value = await client().getSecureString('/p');

      // Assess
      expect(value).toBe('c2VjcmV0');
      expect(received).toHaveLength(1);
      const [{ headers, body }] = received as [Received];
      expect(body).toEqual({ Name: '/p', WithDecryption: true });
      expect(headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
      expect(headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(headers['x-amz-security-token']).toBe('token');
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=\S*x-amz-target\S*, Signature=[0-9a-f]{64}$/,
      );
    });

    it('answers undefined for a parameter that does not exist', async () => {
      answer = { status: 400, body: { __type: 'ParameterNotFound', message: '' } };
      expect(await client().getSecureString('/missing')).toBeUndefined();
    });

    it('throws what Systems Manager answered otherwise, named, once throttling has been retried', async () => {
      answer = {
        status: 400,
        body: { __type: 'com.amazonaws.ssm#ThrottlingException', message: 'Rate exceeded' },
      };
      const error = await client()
        .getSecureString('/p')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ParameterStoreError);
      expect(error).toMatchObject({ code: 'ThrottlingException', statusCode: 400 });
      expect(received).toHaveLength(3);
    });
  });

  describe('Method: putSecureStringIfAbsent', () => {
    it('creates a standard SecureString without overwriting', async () => {
      answer = { status: 200, body: { Version: 1, Tier: 'Standard' } };

      const created = await client().putSecureStringIfAbsent('/p', 'value', 'why');

      expect(created).toBe(true);
      expect(received[0]?.headers['x-amz-target']).toBe('AmazonSSM.PutParameter');
      expect(received[0]?.body).toEqual({
        Name: '/p',
        Value: 'value',
        Type: 'SecureString',
        Tier: 'Standard',
        Overwrite: false,
        Description: 'why',
      });
    });

    it('answers false when the parameter exists already', async () => {
      answer = { status: 400, body: { __type: 'ParameterAlreadyExists', message: 'exists' } };
      expect(await client().putSecureStringIfAbsent('/p', 'value', 'why')).toBe(false);
    });
  });
});
