import { describe, expect, it } from 'vitest';
import { resourcesOfType, synthesize } from './synth';

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
    ]);
  });

  it('alarms on the first undeliverable schedule, failed run and API 5xx', () => {
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((alarm) => ({
      namespace: alarm.Properties?.Namespace,
      metric: alarm.Properties?.MetricName,
      threshold: alarm.Properties?.Threshold,
      comparison: alarm.Properties?.ComparisonOperator,
    }));
    expect(alarms).toEqual(
      [
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
        ['AWS/States', 'ExecutionsFailed'],
        ['AWS/ApiGateway', '5xx'],
      ].map(([namespace, metric]) => ({
        namespace,
        metric,
        threshold: 0,
        comparison: 'GreaterThanThreshold',
      })),
    );
  });

  it('runs every function on Node.js 24 / arm64 with tracing, its own log group and the shared settings', () => {
    const functions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'countersign', POWERTOOLS_LOG_LEVEL: 'INFO' } },
      });
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
