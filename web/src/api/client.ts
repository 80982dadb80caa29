import type { Me } from './types';

/** An answer other than 2xx, with the API's JSON error body (`{detail}` or field → messages). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(detailOf(body) ?? `The server answered ${status}.`);
    this.name = 'ApiError';
  }
}

export function detailOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string')
    return body.detail;
  return undefined;
}

/**
 * Field errors as the API sends them (DRF style, nested like the request, messages as a list or a
 * string), flattened to dotted paths: `{"data": {"numbers.0": ["…"]}}` → `data.numbers.0`.
 */
export function fieldErrors(body: unknown, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'detail' && prefix === '') continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out[path] = [value];
    else if (Array.isArray(value)) out[path] = value.map(String);
    else Object.assign(out, fieldErrors(value, path));
  }
  return out;
}

interface Config {
  readonly apiUrl?: string;
}

let apiBase: Promise<string> | undefined;

/**
 * Where the API is: deployed, the stack writes `/config.json` with its URL; locally the page and
 * the API share an origin and there is no such file.
 */
function baseUrl(): Promise<string> {
  apiBase ??= fetch('/config.json', { headers: { accept: 'application/json' } })
    .then(async (response) => {
      if (!response.ok || !response.headers.get('content-type')?.includes('json')) return '';
      const config = (await response.json()) as Config;
      return (config.apiUrl ?? '').replace(/\/+$/, '');
    })
    .catch(() => '');
  return apiBase;
}

function pathAndQuery(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

export type Unauthorized = (reason: string) => void;

export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: Unauthorized = () => undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Token ${this.token}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // The API writes absolute `next` links with its own host name; deployed, the page reaches the
    // API through its own origin, so only the path and query of a link are kept.
    const relative = /^https?:\/\//.test(path) ? pathAndQuery(path) : path;
    const url = `${await baseUrl()}${relative}`;
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { detail: `The server answered ${response.status} with something that is not JSON.` };
      }
    }
    if (response.status === 401) {
      const reason = detailOf(parsed) ?? 'Your session has ended.';
      this.onUnauthorized(reason);
      throw new ApiError(401, parsed);
    }
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  me(): Promise<Me> {
    return this.get<Me>('/api/users/me/');
  }
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
