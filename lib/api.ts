import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnAuthorizer,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpApi,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Events } from './events';
import { CountersignFunction } from './lambda-function';
import type { Scheduler } from './scheduler';
import type { Store } from './store';
import type { Workflow } from './workflow';

export interface ApiProps {
  readonly store: Store;
  readonly workflow: Workflow;
  readonly scheduler: Scheduler;
  /** Where run (and, for the API, approval) events are put. */
  readonly events: Events;
  /**
   * Steady-state requests per second for the whole stage.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests the stage accepts above the rate.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** One JSON line per request; no headers or query strings, which may carry tokens. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    httpMethod: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/**
 * The HTTP API: every route goes to one API function, behind a Lambda authorizer that is the default
 * for all routes.
 *
 * The authorizer always allows, passing either the principal or the reason for refusing it in its
 * context; the API function turns a refusal into a 401 `{"detail": ...}`, which an HTTP API cannot
 * produce for an authorizer's own deny. So the authorizer has no identity source (API Gateway would
 * otherwise answer a request without the header itself, with its own body) and no cache (a cached
 * decision would outlive a revoked token, and without an identity source there is no cache key).
 */
export class Api extends Construct {
  readonly httpApi: IHttpApi;
  readonly handler: CountersignFunction;
  readonly authorizer: CountersignFunction;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const tableName = props.store.table.tableName;
    const { scheduler, workflow } = props;

    this.authorizer = new CountersignFunction(this, 'Authorizer', {
      handler: 'authorizer',
      description: 'Countersign: identifies the caller from an API token',
      tableName,
      logRetention,
    });
    props.store.grantGetItem(this.authorizer);

    this.handler = new CountersignFunction(this, 'Handler', {
      handler: 'api',
      description: 'Countersign: HTTP API',
      tableName,
      timeout: Duration.seconds(29),
      environment: {
        STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn,
        ...scheduler.gatewayEnvironment(workflow.startOccurrence.functionArn),
        ...workflow.inputKey.environment(),
        ...props.events.environment(),
      },
      logRetention,
    });
    props.store.grant(
      this.handler,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    );
    workflow.grantStartExecution(this.handler);
    workflow.grantSealInput(this.handler);
    scheduler.grantManageSchedules(this.handler);
    props.events.grantPut(this.handler);

    const httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: 'Countersign: job scheduling with four-eyes approval',
      createDefaultStage: false,
      defaultAuthorizer: new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizer.function, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: [],
        resultsCacheTtl: Duration.seconds(0),
      }),
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.handler.function);
    httpApi.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration });
    // The API root (`GET /api/`, where Nautobot's clients read the API version) has no segment for
    // the greedy variable to catch.
    httpApi.addRoutes({ path: '/api', methods: [HttpMethod.ANY], integration });
    // The L2 writes the empty identity source as `[]`; leave the property out, as the API does.
    for (const child of httpApi.node.findAll()) {
      if (child instanceof CfnAuthorizer) child.addPropertyDeletionOverride('IdentitySource');
    }

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention });
    new HttpStage(this, 'DefaultStage', {
      httpApi,
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 50,
        burstLimit: props.throttlingBurstLimit ?? 100,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.httpApi = httpApi;
  }

  /** The base URL; routes live under `/api/`. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
