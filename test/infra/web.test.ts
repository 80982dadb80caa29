import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Web } from '../../lib/web';
import { CONTENT_SECURITY_POLICY } from '../../web/security-headers';
import {
  asArray,
  BUCKET_DEPLOYMENT_PREFIX,
  onlyResourceOfType,
  property,
  resourcesOfType,
  statementsOf,
  synthesize,
} from './synth';

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

interface Behavior {
  readonly PathPattern?: string;
  readonly ViewerProtocolPolicy: string;
  readonly CachePolicyId: string;
  readonly OriginRequestPolicyId?: string;
  readonly ResponseHeadersPolicyId: unknown;
  readonly TargetOriginId: string;
  readonly FunctionAssociations?: readonly { EventType: string }[];
}

describe('Class: Web', () => {
  const { template } = synthesize();
  const [distributionId, distribution] = onlyResourceOfType(template, 'AWS::CloudFront::Distribution');
  const config = property<{
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Origins: {
      Id: string;
      DomainName: unknown;
      OriginAccessControlId?: unknown;
      CustomOriginConfig?: unknown;
    }[];
    Logging?: unknown;
  }>(distribution, 'DistributionConfig');
  const [headersPolicyId, headersPolicy] = onlyResourceOfType(
    template,
    'AWS::CloudFront::ResponseHeadersPolicy',
  );

  it('serves the page from a private, encrypted, TLS-only bucket through origin access control', () => {
    const buckets = Object.entries(resourcesOfType(template, 'AWS::S3::Bucket'));
    const [webBucketId, webBucket] = buckets.find(([id]) => id.startsWith('WebBucket')) ?? [];
    expect(webBucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { LogFilePrefix: 's3/' },
    });
    const origin = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
    expect(origin?.OriginAccessControlId).toBeDefined();
    onlyResourceOfType(template, 'AWS::CloudFront::OriginAccessControl');

    const policy = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: webBucketId }),
    );
    const statements = statementsOf({ Type: 'AWS::S3::BucketPolicy', Properties: policy?.Properties ?? {} });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const reads = statements.filter((s) => s.Effect === 'Allow');
    expect(reads).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.objectContaining({}) } },
      }),
    ]);
    expect(JSON.stringify(reads[0]?.Condition)).toContain(distributionId);
  });

  it('redirects to HTTPS, serves page paths as index.html and logs requests', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CACHING_OPTIMIZED,
      ResponseHeadersPolicyId: { Ref: headersPolicyId },
      FunctionAssociations: [{ EventType: 'viewer-request' }],
    });
    expect(config.Logging).toMatchObject({ Prefix: 'cloudfront/' });
    const [, fn] = onlyResourceOfType(template, 'AWS::CloudFront::Function');
    // The rewrite itself, run as CloudFront would: page paths → index.html, files untouched.
    const code = property<string>(fn, 'FunctionCode');
    const handler = new Function(`${code}; return handler;`)() as (event: { request: { uri: string } }) => {
      uri: string;
    };
    expect(handler({ request: { uri: '/approvals' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/scheduled-jobs/0d6c1f6e' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/assets/index-abc.js' } }).uri).toBe('/assets/index-abc.js');
    expect(handler({ request: { uri: '/config.json' } }).uri).toBe('/config.json');
  });

  it('routes /api/* to the HTTP API on the same origin, uncached, with the Authorization header', () => {
    const api = config.CacheBehaviors.find((behavior) => behavior.PathPattern === '/api/*');
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(origin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(JSON.stringify(origin?.DomainName)).toMatch(/"Ref":"ApiHttpApi[^"]*"\},"\.execute-api\./);
  });

  it('sends a content security policy and the other security headers, the same as the local server', () => {
    expect(property(headersPolicy, 'ResponseHeadersPolicyConfig')).toMatchObject({
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY' },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
      },
    });
  });

  it('writes /config.json with the API URL, revalidated, and invalidates the page on deploy', () => {
    const deployments = Object.values(resourcesOfType(template, 'Custom::CDKBucketDeployment'));
    const page = deployments.find((d) =>
      JSON.stringify(d.Properties?.DistributionPaths ?? null).includes('config.json'),
    );
    expect(page?.Properties).toMatchObject({
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    // The config file's one marker is the distribution's domain, filled in at deploy time.
    expect(page?.Properties?.SourceMarkers).toEqual([
      {},
      { '<<marker:0xbaba:0>>': { 'Fn::GetAtt': [distributionId, 'DomainName'] } },
    ]);
    const assets = deployments.find((d) => d !== page);
    expect(assets?.Properties).toMatchObject({
      Include: ['assets/*'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  it("limits CDK's bucket-deployment function to the web bucket, the asset bucket and invalidations", () => {
    const policies = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith(BUCKET_DEPLOYMENT_PREFIX),
    );
    expect(policies).toHaveLength(1);
    const statements = statementsOf(policies[0]?.[1] ?? { Type: '' });
    const resources = statements.flatMap((s) => asArray(s.Resource)).map((r) => JSON.stringify(r));
    for (const resource of resources) {
      expect(resource).toMatch(/cdk-hnb659fds-assets-|WebBucket|^"\*"$/);
    }
    const starActions = statements
      .filter((s) => asArray(s.Resource).includes('*'))
      .flatMap((s) => asArray(s.Action));
    expect(starActions.sort()).toEqual(['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']);
  });

  it('outputs the page address', () => {
    expect(template.findOutputs('WebUrl').WebUrl?.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]],
    });
  });

  it('synthesizes without a built page when bundling is skipped', () => {
    // Prepare: a source folder with nothing built in it.
    const source = mkdtempSync(join(tmpdir(), 'countersign-web-'));
    writeFileSync(join(source, 'index.html'), '<!doctype html>');
    try {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, 'WebOnly');

      // Act
      new Web(stack, 'Web', { apiId: 'abc123', sourceDirectory: source });

      // Assess
      expect(
        Object.keys(Template.fromStack(stack).findResources('Custom::CDKBucketDeployment')),
      ).toHaveLength(2);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});
