/**
 * The files of the API docs page (Swagger UI), read from a directory: the swagger-ui-dist package
 * when local, and a copy placed beside the API function's bundle when deployed (lib/bundling.ts), so
 * the library is never part of the JavaScript bundle and no CDN is involved. Read once, on first use.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Beside the API function's bundle, deployed: where lib/bundling.ts copies the files. */
export const DOCS_ASSETS_DIRECTORY = 'docs-assets';

/** The package the files come from. */
export const DOCS_ASSETS_PACKAGE = 'swagger-ui-dist';

export const DOCS_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

export type DocsAssetName = keyof typeof DOCS_ASSETS;

export interface DocsAssets {
  /** The file's text, or undefined when the directory lacks it. */
  read(name: DocsAssetName): Promise<string | undefined>;
}

export function docsAssetsFrom(directory: string): DocsAssets {
  const cache = new Map<DocsAssetName, Promise<string | undefined>>();
  return {
    read(name) {
      let text = cache.get(name);
      if (text === undefined) {
        text = readFile(join(directory, name), 'utf8').catch(() => undefined);
        cache.set(name, text);
      }
      return text;
    },
  };
}
