/**
 * The page's security headers, in one place: the local server sends them and the CloudFront
 * response headers policy (lib/web.ts) is built from them, so the browser tests run the page under
 * the policy it is deployed with. The API is on the same origin in both (CloudFront routes /api/*
 * to it), so `connect-src 'self'` suffices.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const REFERRER_POLICY = 'no-referrer';
