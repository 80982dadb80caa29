import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Aws, DockerImage, Duration, type ILocalBundling, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONTENT_SECURITY_POLICY } from '../web/security-headers';
import { PROJECT_ROOT } from './bundling';
import {
  acknowledgeRule,
  acknowledgeStarResource,
  acknowledgeWildcardAction,
  acknowledgeWildcardResource,
} from './nag';

export interface WebProps {
  /** The HTTP API the page talks to; CloudFront serves it under /api/ on the page's own origin. */
  readonly apiId: string;
  /**
   * The page's source folder, built with Vite (`vite build`) when the stack is synthesized.
   * @default the repository's web/ folder
   */
  readonly sourceDirectory?: string;
}

/**
 * Vite runs on the synthesizing machine, as esbuild does for the functions; a stack whose bundling
 * is skipped (infra tests) stages the source folder instead, so it synthesizes without a build.
 */
class ViteBuild implements ILocalBundling {
  constructor(private readonly sourceDirectory: string) {}

  tryBundle(outputDir: string): boolean {
    execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        join(this.sourceDirectory, 'vite.config.ts'),
        '--outDir',
        outputDir,
        '--emptyOutDir',
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return true;
  }
}

/**
 * Page paths (no file extension) are pages of the single-page app: served index.html, so deep links
 * and reloads work, while a missing asset stays a 404.
 */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The web page: static files in a private S3 bucket behind CloudFront (origin access control), and
 * the API routed through the same distribution under /api/*, so the page, its token and the API
 * share one origin (no CORS, `connect-src 'self'`). The stack writes /config.json with the API's
 * URL for the page to read.
 */
export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const sourceDirectory = props.sourceDirectory ?? join(PROJECT_ROOT, 'web');

    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      // Build output only: every deployment writes it again.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Countersign web page: CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const spaRewrite = new CloudFrontFunction(this, 'PagePaths', {
      code: FunctionCode.fromInline(SPA_REWRITE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serve index.html for page paths of the single-page app',
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${stack.stackName} web page`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(`${props.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Never cached; with caching off, this policy forwards the Authorization header too.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
        },
      },
    });
    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR1',
      'The page is for the deploying team wherever its members work; access is controlled by API tokens, not by country.',
    );
    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR2',
      'The page is static files and the API behind it authenticates every request by token and is throttled at its stage; a WAF web ACL is left to deployments that need one.',
    );

    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR4',
      'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, which cannot be pinned to TLS 1.2; the TLSv1.2_2021 policy applies once a domain and certificate are added.',
    );

    const bundled = Source.asset(sourceDirectory, {
      exclude: ['dist', 'dist/**', '.build-lock'],
      bundling: {
        local: new ViteBuild(sourceDirectory),
        // Required by the type; never used, since the local build either succeeds or fails the synth.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
      },
    });
    // Hashed asset names never change content: cached for a year. Everything else is revalidated.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [bundled],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*'],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      memoryLimit: 256,
    });
    const page = new BucketDeployment(this, 'DeployPage', {
      sources: [
        bundled,
        Source.jsonData('config.json', { apiUrl: `https://${this.distribution.distributionDomainName}` }),
      ],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 256,
    });
    // The page must not point at assets that are not there yet.
    page.node.addDependency(assets);
    this.acknowledgeDeploymentHandler(assets);
  }

  /**
   * Both deployments run in CDK's one bucket-deployment function (a singleton per stack); its
   * findings are acknowledged on that function, which holds its role and policy.
   */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment): void {
    const handler = deployment.handlerRole.node.scope;
    if (!handler) throw new Error('The bucket-deployment role has no function around it');
    const why =
      "CDK's bucket-deployment function copies the built page from the CDK asset bucket into the web bucket, removes files of earlier builds and invalidates the distribution; aws-cdk-lib writes these grants, scoped to those two buckets";
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'])
      acknowledgeWildcardAction(handler, action, why);
    acknowledgeWildcardResource(handler, this.bucket.arnForObjects('*'), why);
    acknowledgeWildcardResource(
      handler,
      `arn:${Aws.PARTITION}:s3:::cdk-hnb659fds-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}/*`,
      why,
    );
    acknowledgeStarResource(
      handler,
      `${why} (cloudfront:CreateInvalidation has no resource-level form here)`,
    );
    acknowledgeRule(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's bucket-deployment function gets the basic execution policy (its own log writes) from aws-cdk-lib; it runs only during deployments.",
    );
    acknowledgeRule(
      handler,
      'AwsSolutions-L1',
      "The runtime of CDK's bucket-deployment function is chosen by aws-cdk-lib, not by this project; upgrading aws-cdk-lib moves it forward.",
    );
  }

  /** The page's address. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
