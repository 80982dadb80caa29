import { JobCatalogue } from '../../lambdas/core/jobs';
import { catalogue } from '../../lambdas/jobs/catalogue';
import { defineJob } from '../../lambdas/jobs/define-job';
import { type LocalCountersign, type LocalOptions, startLocalCountersign } from '../../local/composition';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

/**
 * Jobs only the tests need: one that overruns a one-second limit, one that is switched off, and one
 * named `run`, like the run endpoint's last segment.
 */
export const testCatalogue = new JobCatalogue([
  ...catalogue.list(),
  defineJob({
    path: 'local/testing/Overrun',
    hasSensitiveVariables: false,
    timeLimitSeconds: 1,
    async run({ logger, signal }) {
      logger.info('Starting something slow.');
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      return 'too late';
    },
  }),
  defineJob({
    path: 'local/testing/Disabled',
    enabled: false,
    hasSensitiveVariables: false,
    run: () => null,
  }),
  defineJob({
    path: 'local/testing/run',
    hasSensitiveVariables: false,
    run: () => 'ran',
  }),
]);

export async function startTestServer(
  options: LocalOptions = {},
): Promise<LocalCountersign & { api: ApiClient }> {
  const server = await startLocalCountersign({
    port: 0,
    adminToken: ADMIN_TOKEN,
    logLevel: 'SILENT',
    catalogue: testCatalogue,
    ...options,
  });
  return {
    ...server,
    close: server.close,
    workflow: server.workflow,
    url: server.url,
    api: new ApiClient(server.url),
  };
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: {
      token?: string | null;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    if (token !== null) headers.authorization = `Token ${token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(path.startsWith('http') ? path : `${this.baseUrl}${path}`, {
      method,
      headers,
      body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Keep the raw text: the assertion on it will say what came back.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string, token?: string | null) {
    return this.request<T>('GET', path, { token });
  }

  post<T = any>(path: string, body: unknown, token?: string | null) {
    return this.request<T>('POST', path, { body, token });
  }

  /** Polls a job result until it has finished, failing after `timeoutMs`. */
  async waitForResult(id: string, token?: string | null, timeoutMs = 15_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.get(`/api/extras/job-results/${id}/`, token);
      if (['SUCCESS', 'FAILURE', 'REVOKED'].includes(body.status)) return body;
      if (Date.now() > deadline)
        throw new Error(`Job result ${id} still ${body.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
