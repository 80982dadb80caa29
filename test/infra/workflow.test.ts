import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../lambdas/jobs/catalogue';
import { buildRunJobWorkflow, DEFINITION_SUBSTITUTIONS } from '../../lambdas/workflow/run-job-workflow';
import { runJobTimeout } from '../../lib/workflow';
import {
  allowedActions,
  onlyResourceOfType,
  property,
  resourcesOfType,
  roleOfFunction,
  statementsOfRole,
  synthesize,
} from './synth';

describe('Construct: Workflow', () => {
  const { stack, template } = synthesize();
  const [, stateMachine] = onlyResourceOfType(template, 'AWS::StepFunctions::StateMachine');
  const functionLogicalId = (prefix: string) => {
    const id = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).find((key) =>
      key.startsWith(prefix),
    );
    if (!id) throw new Error(`No function ${prefix}`);
    return id;
  };

  it('is a Standard state machine running the shared definition with the two function ARNs', () => {
    expect(stateMachine.Properties?.StateMachineType).toBe('STANDARD');
    expect(JSON.parse(stateMachine.Properties?.DefinitionString as string)).toEqual(
      buildRunJobWorkflow(DEFINITION_SUBSTITUTIONS),
    );
    expect(stateMachine.Properties?.DefinitionSubstitutions).toEqual({
      RunStepFunctionArn: { 'Fn::GetAtt': [functionLogicalId('WorkflowRunStep'), 'Arn'] },
      RunJobFunctionArn: { 'Fn::GetAtt': [functionLogicalId('WorkflowRunJob'), 'Arn'] },
    });
  });

  it('logs ALL events without execution data, to a vended-logs group, untraced', () => {
    expect(stateMachine.Properties).toMatchObject({
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    expect(stateMachine.Properties).not.toMatchObject({ TracingConfiguration: { Enabled: true } });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
    });
  });

  it('may invoke only the run-step and run-job functions, unqualified', () => {
    const role = property<{ 'Fn::GetAtt': [string, string] }>(stateMachine, 'RoleArn')['Fn::GetAtt'][0];
    const invoke = statementsOfRole(template, role).filter((statement) =>
      [statement.Action].flat().includes('lambda:InvokeFunction'),
    );
    expect(invoke).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [functionLogicalId('WorkflowRunStep'), 'Arn'] },
          { 'Fn::GetAtt': [functionLogicalId('WorkflowRunJob'), 'Arn'] },
        ],
      },
    ]);
  });

  it('sizes the run-job timeout from the longest job in the catalogue, plus a minute', () => {
    const expected = Math.min(catalogue.maxTimeLimitSeconds() + 60, 900);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Countersign: runs one job from the catalogue',
      Timeout: expected,
    });
    expect(stack.workflow.runJob.function.timeout?.toSeconds()).toBe(expected);
  });

  it('caps the run-job timeout at the Lambda maximum', () => {
    expect(runJobTimeout(Duration.minutes(14)).toSeconds()).toBe(900);
    expect(runJobTimeout(Duration.minutes(20)).toSeconds()).toBe(900);
    expect(runJobTimeout(Duration.seconds(30)).toSeconds()).toBe(90);
  });

  it('accepts an explicit longest time limit', () => {
    const { template: custom } = synthesize({ maxJobTimeLimit: Duration.minutes(5) });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Countersign: runs one job from the catalogue',
      Timeout: 360,
    });
    // The definition may be a plain string or an Fn::Join around tokens (which sit inside JSON strings).
    const [, customMachine] = onlyResourceOfType(custom, 'AWS::StepFunctions::StateMachine');
    const definition = property<string | { 'Fn::Join': [string, unknown[]] }>(
      customMachine,
      'DefinitionString',
    );
    const json =
      typeof definition === 'string'
        ? definition
        : definition['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    expect(JSON.parse(json).States.RunJob.TimeoutSeconds).toBe(5 * 60 + 30);
  });

  it('lets run-step record steps, announce finished runs and delete schedules of its own group only', () => {
    const role = roleOfFunction(template, 'WorkflowRunStep');
    expect(allowedActions(statementsOfRole(template, role))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'scheduler:DeleteSchedule',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Countersign: records the start and the outcome of a job run',
      Environment: {
        Variables: Match.objectLike({
          SCHEDULE_GROUP_NAME: Match.anyValue(),
          EVENT_BUS_NAME: Match.anyValue(),
        }),
      },
    });
  });

  it('lets run-job only read and append to a job result (the log cap needs a read), and read the sealing key', () => {
    const role = roleOfFunction(template, 'WorkflowRunJob');
    expect(allowedActions(statementsOfRole(template, role))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'ssm:GetParameter',
    ]);
    expect(
      statementsOfRole(template, role).filter((statement) => String(statement.Action).startsWith('ssm:')),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
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
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Countersign: runs one job from the catalogue',
      Environment: {
        Variables: Match.objectLike({
          INPUT_KEY_PARAMETER: Match.stringLikeRegexp('^/countersign/Countersign-Workflow-InputKey'),
        }),
      },
    });
    expect(resourcesOfType(template, 'AWS::KMS::Key')).toEqual({});
  });

  describe("start-occurrence, every schedule's target", () => {
    const functionId = functionLogicalId('WorkflowStartOccurrence');
    const [stateMachineId] = onlyResourceOfType(template, 'AWS::StepFunctions::StateMachine');
    const [queueId] = onlyResourceOfType(template, 'AWS::SQS::Queue');

    it('is a small arm64 function that knows the state machine and not the table', () => {
      const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionId];
      expect(fn?.Properties).toMatchObject({
        Description: 'Countersign: starts the run workflow for a scheduled occurrence, once',
        MemorySize: 128,
        Architectures: ['arm64'],
        Timeout: 10,
      });
      expect(fn?.Properties?.Environment).toEqual({
        Variables: {
          STATE_MACHINE_ARN: { Ref: stateMachineId },
          POWERTOOLS_SERVICE_NAME: 'countersign',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      });
    });

    it("may only start executions of the run state machine, dead-letter to the schedules' queue and log", () => {
      const statements = statementsOfRole(template, roleOfFunction(template, 'WorkflowStartOccurrence'));
      expect(allowedActions(statements)).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        'states:StartExecution',
      ]);
      expect(statements.filter((statement) => statement.Action === 'states:StartExecution')).toEqual([
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: stateMachineId } },
      ]);
      expect(statements.filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'))).toEqual(
        [expect.objectContaining({ Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } })],
      );
    });

    it("retries a failed start within the schedules' event age, then dead-letters it to their queue", () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    });
  });

  describe('with a customer-managed key', () => {
    const { template: withKey } = synthesize({ inputSealing: 'customer-managed-key' });
    const [inputKeyId, inputKey] = onlyResourceOfType(withKey, 'AWS::KMS::Key');

    it('lets run-job only decrypt data keys bound to one job result', () => {
      const role = roleOfFunction(withKey, 'WorkflowRunJob');
      const template = withKey;
      expect(allowedActions(statementsOfRole(template, role))).toEqual([
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
      expect(
        statementsOfRole(template, role).filter((statement) => String(statement.Action).startsWith('kms:')),
      ).toEqual([
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: { 'Fn::GetAtt': [inputKeyId, 'Arn'] },
          Condition: {
            'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['job_result_id'] },
            Null: { 'kms:EncryptionContext:job_result_id': 'false' },
          },
        },
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Countersign: runs one job from the catalogue',
        Environment: {
          Variables: Match.objectLike({ INPUT_KEY_ARN: { 'Fn::GetAtt': [inputKeyId, 'Arn'] } }),
        },
      });
    });

    it('seals sensitive input with a rotated, retained customer managed key', () => {
      expect(inputKeyId).toMatch(/^WorkflowInputKey/);
      expect(inputKey).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { EnableKeyRotation: true, Description: expect.stringMatching(/sensitive variables/) },
      });
    });
  });
});
