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

/** The stack props that context values set; absent ones keep the stack's defaults. */
export function stackPropsFromContext(node: Node): Partial<CountersignStackProps> {
  const apiRateLimit = positiveNumber(node, 'apiRateLimit');
  const apiBurstLimit = positiveNumber(node, 'apiBurstLimit');
  if (apiBurstLimit !== undefined && !Number.isInteger(apiBurstLimit)) {
    throw new Error(`-c apiBurstLimit=${apiBurstLimit} must be a whole number of requests.`);
  }
  return {
    ...(apiRateLimit === undefined ? {} : { apiRateLimit }),
    ...(apiBurstLimit === undefined ? {} : { apiBurstLimit }),
  };
}
