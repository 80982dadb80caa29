/**
 * `cdk deploy -c name=value` settings, read and checked in one place so that a mistyped value stops
 * the synth with a message instead of deploying something else.
 */
import type { Node } from 'constructs';
import type { CountersignStackProps } from './countersign-stack';

function positiveNumber(node: Node, name: string): number | undefined {
  const raw: unknown = node.tryGetContext(name);
  if (raw === undefined) return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`-c ${name}=${String(raw)} must be a number greater than 0.`);
  }
  return value;
}

function text(node: Node, name: string, pattern: RegExp, what: string): string | undefined {
  const raw: unknown = node.tryGetContext(name);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !pattern.test(raw))
    throw new Error(`-c ${name}=${String(raw)} is not ${what}.`);
  return raw;
}

/** The stack props that context values set; absent ones keep the stack's defaults. */
export function stackPropsFromContext(node: Node): Partial<CountersignStackProps> {
  const apiRateLimit = positiveNumber(node, 'apiRateLimit');
  const apiBurstLimit = positiveNumber(node, 'apiBurstLimit');
  if (apiBurstLimit !== undefined && !Number.isInteger(apiBurstLimit)) {
    throw new Error(`-c apiBurstLimit=${apiBurstLimit} must be a whole number of requests.`);
  }
  const alarmEmail = text(node, 'alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address');
  const alarmTopicArn = text(
    node,
    'alarmTopicArn',
    /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/,
    'an SNS topic ARN',
  );
  return {
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
    ...(apiRateLimit === undefined ? {} : { apiRateLimit }),
    ...(apiBurstLimit === undefined ? {} : { apiBurstLimit }),
  };
}
