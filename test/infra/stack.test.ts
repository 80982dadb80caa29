import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { CountersignStack } from '../../lib/countersign-stack';
import { stackPropsFromContext } from '../../lib/deploy-context';
import { ownResourcesOfType, resourcesOfType, synthesize } from './synth';

describe('Class: CountersignStack', () => {
  const { template } = synthesize();

  it('outputs what clients and operators need', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'ApiRoot',
      'ApiUrl',
      'EventBusName',
      'ScheduleGroupName',
      'StateMachineArn',
      'TableName',
      'WebUrl',
    ]);
  });

  it('creates no alarms when nobody is to be notified, so an idle stack costs nothing', () => {
    expect(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).toEqual({});
  });

  it('alarms on the first undeliverable schedule, failed execution, failed run, repaired schedule and API 5xx, notifying the given action', () => {
    // Prepare
    const topic = Topic.fromTopicArn(
      new Stack(new App(), 'Elsewhere'),
      'Topic',
      'arn:aws:sns:us-east-1:123456789012:countersign-alarms',
    );

    // Act
    const { template: withAlarms } = synthesize({ alarmActions: [new SnsAction(topic)] });

    // Assess
    const alarms = Object.values(resourcesOfType(withAlarms, 'AWS::CloudWatch::Alarm')).map((alarm) => ({
      namespace: alarm.Properties?.Namespace,
      metric: alarm.Properties?.MetricName,
      dimensions: alarm.Properties?.Dimensions,
      threshold: alarm.Properties?.Threshold,
      comparison: alarm.Properties?.ComparisonOperator,
      actions: (alarm.Properties?.AlarmActions as unknown[] | undefined)?.length,
    }));
    expect(alarms).toEqual(
      (
        [
          ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', expect.anything()],
          ['AWS/States', 'ExecutionsFailed', expect.anything()],
          [
            'Countersign',
            'RunsFinished',
            [
              { Name: 'service', Value: 'countersign' },
              { Name: 'status', Value: 'FAILURE' },
            ],
          ],
          ['Countersign', 'SchedulesRepaired', [{ Name: 'service', Value: 'countersign' }]],
          ['AWS/ApiGateway', '5xx', expect.anything()],
        ] as const
      ).map(([namespace, metric, dimensions]) => ({
        namespace,
        metric,
        dimensions,
        threshold: 0,
        comparison: 'GreaterThanThreshold',
        actions: 1,
      })),
    );
  });

  it('e-mails an address given as -c alarmEmail through a topic of its own, SSL only', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], alarmEmail: 'ops@example.com' } });
    const stack = new CountersignStack(app, 'Mailed', stackPropsFromContext(app.node));
    const mailed = Template.fromStack(stack);
    mailed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    mailed.resourceCountIs('AWS::SNS::Topic', 1);
    const policy = JSON.stringify(Object.values(resourcesOfType(mailed, 'AWS::SNS::TopicPolicy')));
    expect(policy).toContain('"aws:SecureTransport":"false"');
    const alarms = Object.values(resourcesOfType(mailed, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms)
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
  });

  it('notifies an existing topic given as -c alarmTopicArn, and refuses a malformed one', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:on-call';
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], alarmTopicArn: arn } });
    const withTopic = Template.fromStack(new CountersignStack(app, 'Paged', stackPropsFromContext(app.node)));
    withTopic.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of Object.values(resourcesOfType(withTopic, 'AWS::CloudWatch::Alarm')))
      expect(alarm.Properties?.AlarmActions).toEqual([arn]);
    const bad = new App({ context: { alarmTopicArn: 'ops-topic' } });
    expect(() => stackPropsFromContext(bad.node)).toThrow(
      '-c alarmTopicArn=ops-topic is not an SNS topic ARN.',
    );
  });

  it('runs every function on Node.js 24 / arm64 untraced, with its own log group and the shared settings', () => {
    const functions = Object.values(ownResourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'countersign', POWERTOOLS_LOG_LEVEL: 'INFO' } },
      });
      expect(fn.Properties).not.toHaveProperty('TracingConfig');
      expect(fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
      // No source maps are shipped, so nothing to enable.
      expect(fn.Properties).not.toHaveProperty('Environment.Variables.NODE_OPTIONS');
    }
    expect(resourcesOfType(template, 'Custom::LogRetention')).toEqual({});
    for (const logGroup of Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties?.RetentionInDays).toBe(30);
    }
  });
});
