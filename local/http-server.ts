import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';
import { type LocalLambda, localLambdaContext } from './lambda-context';
import { serveWebPage } from './web-page';

/** API Gateway's own payload limit; the handlers enforce their smaller limit on top. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface LocalHttpServerProps {
  readonly authorizer: LocalLambda;
  readonly api: LocalLambda;
  readonly onError?: (error: unknown) => void;
  /** The built web page, served at every path outside /api/; absent, those paths are JSON 404s. */
  readonly webRoot?: string;
}

/**
 * Plays API Gateway (HTTP API, payload format 2.0) for the local mode: each request becomes the
 * event the deployed gateway would send, goes through the same authorizer, then the API handler.
 */
export class LocalHttpServer {
  private readonly server: Server;

  constructor(private readonly props: LocalHttpServerProps) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        props.onError?.(error);
        if (!response.headersSent)
          send(response, { statusCode: 500, body: JSON.stringify({ detail: 'Internal server error.' }) });
      });
    });
    // Requests Node refuses before they reach a handler (headers or URL over its 16 KB limit,
    // malformed HTTP) get a JSON answer too, as every other refusal does.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify({
        detail: tooLarge ? 'Request line or headers too large.' : 'Malformed HTTP request.',
      });
      socket.end(
        `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `connection: close\r\n\r\n${body}`,
      );
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.server.closeIdleConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (body === undefined) {
      send(response, { statusCode: 413, body: JSON.stringify({ detail: 'Request body too large.' }) });
      return;
    }
    const event = toEvent(request, body);
    const isApi = event.rawPath === '/api' || event.rawPath.startsWith('/api/');
    if (!isApi && this.props.webRoot !== undefined) {
      await serveWebPage(this.props.webRoot, event.requestContext.http.method, event.rawPath, response);
      return;
    }
    if (!event.rawPath.startsWith('/api/')) {
      send(response, { statusCode: 404, body: JSON.stringify({ detail: 'Not found.' }) });
      return;
    }
    const authorization = (await this.props.authorizer(
      toAuthorizerEvent(event),
      localLambdaContext('countersign-authorizer'),
    )) as {
      isAuthorized: boolean;
      context?: Record<string, unknown>;
    };
    if (!authorization.isAuthorized) {
      send(response, { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });
      return;
    }
    const authorized = {
      ...event,
      requestContext: { ...event.requestContext, authorizer: { lambda: authorization.context ?? {} } },
    };
    const result = (await this.props.api(
      authorized,
      localLambdaContext('countersign-api'),
    )) as APIGatewayProxyStructuredResultV2;
    send(response, result);
  }
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function toEvent(request: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] = 'http';
  const now = new Date();
  const method = (request.method ?? 'GET').toUpperCase();
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === '' ? {} : { body }),
    isBase64Encoded: false,
  };
}

function toAuthorizerEvent(event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${event.requestContext.http.method}${event.rawPath}`,
    identitySource: [],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    cookies: [],
    headers: event.headers,
    queryStringParameters: event.queryStringParameters ?? {},
    requestContext: event.requestContext,
    pathParameters: {},
    stageVariables: {},
  } as APIGatewayRequestAuthorizerEventV2;
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(result.body ?? '');
}
