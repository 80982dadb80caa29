import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The web page: Preact, built to static files in web/dist (served locally and from S3). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A CSP without 'unsafe-inline' would refuse inlined assets as data: URLs; keep them as files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
