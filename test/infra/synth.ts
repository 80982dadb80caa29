import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CountersignStack, type CountersignStackProps } from '../../lib/countersign-stack';

/** Infra tests assert on the template; bundling is skipped (one test in bundling.test.ts does it). */
export function synthesize(props: CountersignStackProps = {}): {
  stack: CountersignStack;
  template: Template;
} {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CountersignStack(app, 'Countersign', props);
  return { stack, template: Template.fromStack(stack) };
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function resourcesOfType(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/**
 * CDK's bucket-deployment function (a singleton per stack, Python, with CDK's own grants) copies the
 * web page into its bucket at deploy time. The stack-wide rules for Countersign's own functions and
 * roles leave it out by this name; test/infra/web.test.ts pins down what it may do.
 */
export const BUCKET_DEPLOYMENT_PREFIX = 'CustomCDKBucketDeployment';

/** `resourcesOfType` without CDK's bucket-deployment function, role and policy. */
export function ownResourcesOfType(template: Template, type: string): Record<string, TemplateResource> {
  return Object.fromEntries(
    Object.entries(resourcesOfType(template, type)).filter(
      ([id]) => !id.startsWith(BUCKET_DEPLOYMENT_PREFIX),
    ),
  );
}

export function onlyResourceOfType(template: Template, type: string): [string, TemplateResource] {
  const entries = Object.entries(resourcesOfType(template, type));
  if (entries.length !== 1) throw new Error(`Expected one ${type}, found ${entries.length}`);
  return entries[0] as [string, TemplateResource];
}

/** A property the test relies on; a missing one fails with its name rather than a TypeError. */
export function property<T>(resource: TemplateResource, name: string): T {
  const value = resource.Properties?.[name];
  if (value === undefined) throw new Error(`${resource.Type} has no ${name}`);
  return value as T;
}

/** The statements of an `AWS::IAM::Policy`. */
export function statementsOf(policy: TemplateResource): PolicyStatementJson[] {
  return property<{ Statement: PolicyStatementJson[] }>(policy, 'PolicyDocument').Statement;
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The statements of the identity policies attached to the role with the given logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleLogicalId}"`))
    .flatMap(statementsOf);
}

/** Logical id of the execution role of the Lambda function whose logical id starts with `prefix`. */
export function roleOfFunction(template: Template, prefix: string): string {
  const [, fn] =
    Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith(prefix),
    ) ?? [];
  if (!fn) throw new Error(`No function ${prefix}`);
  const role = fn.Properties?.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** The allowed actions, sorted, for exact comparisons. */
export function allowedActions(statements: PolicyStatementJson[]): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => asArray(statement.Action))
    .sort();
}
