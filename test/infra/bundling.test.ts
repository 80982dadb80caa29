import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CountersignStack } from '../../lib/countersign-stack';
import { BUCKET_DEPLOYMENT_PREFIX } from './synth';

describe('Function bundling', () => {
  // One real synth bundles six functions with esbuild and the web page with Vite: slow on a busy machine.
  it('bundles every function into a minified ES module, and builds the web page', {
    timeout: 120_000,
  }, () => {
    // Prepare: a default App bundles for real (esbuild, locally); asset metadata names the outputs.
    const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new CountersignStack(app, 'Countersign');

    // Act
    const assembly = app.synth();

    // Assess
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const assets = Object.entries(functions)
      .filter(([id]) => !id.startsWith(BUCKET_DEPLOYMENT_PREFIX))
      .map(([, fn]) => fn)
      .map((fn) => (fn.Metadata as Record<string, string>)['aws:asset:path']);
    expect(assets).toHaveLength(6);
    for (const asset of assets) {
      const bundle = join(assembly.directory, asset ?? 'missing', 'index.mjs');
      expect(existsSync(bundle), bundle).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(1000);
      expect(existsSync(`${bundle}.map`)).toBe(false);
    }
    const api = Object.values(functions).find(
      (fn) => (fn.Properties as { Description?: string }).Description === 'Countersign: HTTP API',
    );
    const apiAsset = join(
      assembly.directory,
      ((api?.Metadata ?? {}) as Record<string, string>)['aws:asset:path'] ?? 'missing',
    );
    // The docs page's files sit beside the API bundle, not in it, and in no other function.
    expect(existsSync(join(apiAsset, 'docs-assets', 'swagger-ui-bundle.js'))).toBe(true);
    expect(existsSync(join(apiAsset, 'docs-assets', 'swagger-ui.css'))).toBe(true);
    for (const asset of assets.filter((path) => join(assembly.directory, path ?? '') !== apiAsset)) {
      expect(existsSync(join(assembly.directory, asset ?? '', 'docs-assets'))).toBe(false);
    }
    // The page's deployments copy the Vite build: index.html and its hashed script.
    const deployments = Template.fromStack(stack).findResources('Custom::CDKBucketDeployment');
    const keys = new Set(
      Object.values(deployments).flatMap(
        (d) => (d.Properties as { SourceObjectKeys: string[] }).SourceObjectKeys,
      ),
    );
    const built = [...keys]
      .map((key) => join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`))
      .filter((dir) => existsSync(join(dir, 'index.html')));
    expect(built).toHaveLength(1);
    const page = readFileSync(join(built[0] ?? '', 'index.html'), 'utf8');
    const script = /src="\/(assets\/index-[\w-]+\.js)"/.exec(page)?.[1];
    expect(script && existsSync(join(built[0] ?? '', script))).toBe(true);
    rmSync(assembly.directory, { recursive: true, force: true });
  });
});
