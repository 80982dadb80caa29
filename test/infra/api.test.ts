import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CountersignStack } from '../../lib/countersign-stack';
import { stackPropsFromContext } from '../../lib/deploy-context';
import {
  allowedActions,
  onlyResourceOfType,
  property,
  resourcesOfType,
  roleOfFunction,
  statementsOfRole,
  synthesize,
} from './synth';

describe('Construct: Api', () => {
  const { template } = synthesize();
  const [authorizerId, authorizer] = onlyResourceOfType(template, 'AWS::ApiGatewayV2::Authorizer');

  it('puts every route behind the Lambda authorizer', () => {
    const routes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'));
    // `ANY /api` since issue 11: the API root, which the greedy route does not catch.
    expect(routes.map((route) => route.Properties?.RouteKey)).toEqual(['ANY /api/{proxy+}', 'ANY /api']);
    for (const route of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('invokes the authorizer for every request: no identity source, no cache, simple responses', () => {
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(authorizer.Properties).not.toHaveProperty('IdentitySource');
  });

  it('logs access to a log group and throttles the default stage', () => {
    const [, stage] = onlyResourceOfType(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] },
      },
    });
    const format = JSON.parse(property<{ Format: string }>(stage, 'AccessLogSettings').Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('takes other throttling limits as props or -c context values', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], apiRateLimit: '5', apiBurstLimit: '10' },
    });
    const stack = new CountersignStack(app, 'Throttled', stackPropsFromContext(app.node));
    const [, stage] = onlyResourceOfType(Template.fromStack(stack), 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    const bad = new App({ context: { apiRateLimit: 'fast' } });
    expect(() => stackPropsFromContext(bad.node)).toThrow(
      '-c apiRateLimit=fast must be a number greater than 0.',
    );
  });

  it('outputs the API root with its /api/ path', () => {
    expect(Object.values(template.findOutputs('ApiRoot'))[0]?.Value).toMatchObject({
      'Fn::Join': ['', expect.arrayContaining(['/api/'])],
    });
  });

  it('routes to the API function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('gives the API function the workflow and scheduler settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Countersign: HTTP API',
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: Match.stringLikeRegexp('^StoreTable') },
          POWERTOOLS_SERVICE_NAME: 'countersign',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          STATE_MACHINE_ARN: { Ref: Match.stringLikeRegexp('^WorkflowStateMachine') },
          SCHEDULER_TARGET_ARN: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowStartOccurrenceFunction'), 'Arn'],
          },
          SCHEDULE_GROUP_NAME: Match.anyValue(),
          SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulerRole'), 'Arn'] },
          SCHEDULER_DLQ_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulerDeadLetterQueue'), 'Arn'] },
          INPUT_KEY_PARAMETER: Match.stringLikeRegexp('^/countersign/Countersign-Workflow-InputKey'),
        },
      },
    });
  });

  it('lets the API function use the table, start and seal runs and manage its schedules, and nothing more', () => {
    const statements = statementsOfRole(template, roleOfFunction(template, 'ApiHandler'));
    expect(allowedActions(statements)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'iam:PassRole',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
      'ssm:GetParameter',
      'ssm:PutParameter',
      'states:StartExecution',
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: { Ref: expect.stringMatching(/^WorkflowStateMachine/) },
    });
  });

  it('lets the API function read and make the sealing key, that parameter only', () => {
    const statements = statementsOfRole(template, roleOfFunction(template, 'ApiHandler'));
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('ssm:'))).toEqual([
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: {
          'Fn::Join': [
            '',
            expect.arrayContaining([
              expect.stringMatching(/:parameter\/countersign\/Countersign-Workflow-InputKey/),
            ]),
          ],
        },
      },
    ]);
  });

  it('with a customer-managed key, lets the API function seal run input, for one job result at a time, but never open it', () => {
    const { template: withKey } = synthesize({ inputSealing: 'customer-managed-key' });
    const statements = statementsOfRole(withKey, roleOfFunction(withKey, 'ApiHandler'));
    expect(statements.filter((statement) => String(statement.Action).startsWith('kms:'))).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WorkflowInputKey/), 'Arn'] },
        Condition: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['job_result_id'] },
          Null: { 'kms:EncryptionContext:job_result_id': 'false' },
        },
      },
    ]);
  });

  it('lets the API function pass only the scheduler role, and only to EventBridge Scheduler', () => {
    const statements = statementsOfRole(template, roleOfFunction(template, 'ApiHandler'));
    expect(statements.filter((statement) => statement.Action === 'iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulerRole/), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('lets the authorizer only read single items', () => {
    const role = roleOfFunction(template, 'ApiAuthorizer');
    expect(allowedActions(statementsOfRole(template, role))).toEqual([
      'dynamodb:GetItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });
});
