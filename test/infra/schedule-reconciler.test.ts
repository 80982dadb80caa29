import { describe, expect, it } from 'vitest';
import { scheduledJobListPlan } from '../../lambdas/adapters/dynamodb/keys';
import {
  allowedActions,
  onlyResourceOfType,
  resourcesOfType,
  roleOfFunction,
  statementsOfRole,
  synthesize,
} from './synth';

describe('Construct: ScheduleReconciler', () => {
  const { stack, template } = synthesize();
  const functionId = stack.getLogicalId(stack.reconciler.handler.function.node.defaultChild as never);
  const tableId = stack.getLogicalId(stack.store.table.node.defaultChild as never);
  const statements = statementsOfRole(template, roleOfFunction(template, 'ScheduleReconciler'));
  const [, group] = onlyResourceOfType(template, 'AWS::Scheduler::ScheduleGroup');

  it('runs the reconcile function every 15 minutes from an EventBridge rule', () => {
    const [ruleId, rule] = onlyResourceOfType(template, 'AWS::Events::Rule');
    expect(rule.Properties).toEqual({
      Description: 'Countersign: reconcile schedules with scheduled jobs',
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        {
          Id: 'Target0',
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 2 },
        },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('creates no EventBridge Scheduler schedule, which the guard would take for a job', () => {
    expect(resourcesOfType(template, 'AWS::Scheduler::Schedule')).toEqual({});
  });

  it('gives the function the table, what schedules need, and the state machine approved runs start', () => {
    const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionId];
    expect(fn?.Properties).toMatchObject({
      Description: 'Countersign: repairs schedules and fails runs that a failure left behind',
      Timeout: 300,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: tableId },
          POWERTOOLS_SERVICE_NAME: 'countersign',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          SCHEDULE_GROUP_NAME: group.Properties?.Name,
          SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulerRole/), 'Arn'] },
          SCHEDULER_DLQ_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulerDeadLetterQueue/), 'Arn'] },
          SCHEDULER_TARGET_ARN: {
            'Fn::GetAtt': [expect.stringMatching(/^WorkflowStartOccurrenceFunction/), 'Arn'],
          },
          STATE_MACHINE_ARN: { Ref: expect.stringMatching(/^WorkflowStateMachine/) },
        },
      },
    });
  });

  it("lets the function query three indexes, read and update results and scheduled jobs, start runs, and read, create and update the group's schedules only", () => {
    expect(allowedActions(statements)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'iam:PassRole',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'scheduler:CreateSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
      'states:StartExecution',
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: [
        // Since issue 11 every index: the job result counters are recounted from their partitions.
        ...['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5'].map((index) => ({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, `/index/${index}`]],
        })),
      ],
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: { Ref: expect.stringMatching(/^WorkflowStateMachine/) },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:UpdateItem',
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RESULT#*', 'SCHEDULED#*', 'COUNT#*'] },
      },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':scheduler:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            `:schedule/${group.Properties?.Name as string}/*`,
          ],
        ],
      },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulerRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
  });

  it('grants the indexes the store lists scheduled jobs by enabled state and by pending handoff from', () => {
    for (const enabled of [true, false]) {
      expect(scheduledJobListPlan({ enabled })?.queries.map((query) => query.index)).toEqual(['gsi4']);
    }
    expect(scheduledJobListPlan({ awaitingHandoff: true })?.queries.map((query) => query.index)).toEqual([
      'gsi5',
    ]);
  });
});
