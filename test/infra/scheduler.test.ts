import { describe, expect, it } from 'vitest';
import { onlyResourceOfType, statementsOfRole, synthesize } from './synth';

describe('Construct: Scheduler', () => {
  const { stack, template } = synthesize();
  const roleId = stack.getLogicalId(stack.scheduler.role.node.defaultChild as never);
  const [groupId, group] = onlyResourceOfType(template, 'AWS::Scheduler::ScheduleGroup');
  const [queueId, queue] = onlyResourceOfType(template, 'AWS::SQS::Queue');

  it('has one schedule group for the deployment', () => {
    expect(group.Properties?.Name).toEqual(expect.stringContaining('Scheduler'));
  });

  it('has a role only EventBridge Scheduler of this account and group can assume', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] },
              },
            },
          },
        ],
      },
    });
  });

  it('lets schedules only invoke the start-occurrence function, unqualified, and send to the dead-letter queue', () => {
    const statements = statementsOfRole(template, roleId);
    const targetId = stack.getLogicalId(stack.workflow.startOccurrence.function.node.defaultChild as never);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [targetId, 'Arn'] },
      },
    ]);
  });

  it('keeps undeliverable runs encrypted for 14 days and refuses plain HTTP', () => {
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'sqs:*',
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Principal: { AWS: '*' },
          },
        ],
      },
    });
  });
});
