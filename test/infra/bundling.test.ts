import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CountersignStack } from '../../lib/countersign-stack';
import { BUCKET_DEPLOYMENT_PREFIX } from './synth';

describe('Function bundling', () => {
  it('bundles every function into a minified ES module', () => {
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
    expect(assets).toHaveLength(5);
    for (const asset of assets) {
      const bundle = join(assembly.directory, asset ?? 'missing', 'index.mjs');
      expect(existsSync(bundle), bundle).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(1000);
      expect(existsSync(`${bundle}.map`)).toBe(false);
    }
    rmSync(assembly.directory, { recursive: true, force: true });
  });
});
