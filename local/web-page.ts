/**
 * Serves the built web page beside the API, as CloudFront does when deployed: files by path,
 * and index.html for every other path so a deep link or a reload opens the same page.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY, REFERRER_POLICY } from '../web/security-headers';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The deployed response headers (lib/web.ts builds its policy from the same constants). */
export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': REFERRER_POLICY,
};

export async function serveWebPage(
  root: string,
  method: string,
  pathname: string,
  response: ServerResponse,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') {
    response.writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' });
    response.end(JSON.stringify({ detail: `Method "${method}" not allowed.` }));
    return;
  }
  let file = await fileUnder(root, pathname);
  let status = 200;
  if (!file) {
    file = join(root, 'index.html');
    if (!(await isFile(file))) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(
        'The web page is not built. Run `npm run build`, or restart `npm start`, which builds it.',
      );
      return;
    }
    // A missing asset is a real 404; any other path is a page of the single-page app.
    if (pathname.startsWith('/assets/')) status = 404;
  }
  const body = status === 404 ? 'Not found.' : await readFile(file);
  const type =
    status === 404
      ? 'text/plain; charset=utf-8'
      : (CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  response.writeHead(status, {
    ...WEB_SECURITY_HEADERS,
    'content-type': type,
    // Hashed asset names never change content; the page itself is read fresh each time.
    'cache-control':
      pathname.startsWith('/assets/') && status === 200 ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  response.end(method === 'HEAD' ? undefined : body);
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** The file a URL path names, only if it lies under `root` (no `..` escapes). */
async function fileUnder(root: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  return (await isFile(candidate)) ? candidate : undefined;
}
