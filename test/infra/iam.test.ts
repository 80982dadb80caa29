import { describe, expect, it } from 'vitest';
import {
  asArray,
  ownResourcesOfType,
  type PolicyStatementJson,
  resourcesOfType,
  statementsOf,
  synthesize,
} from './synth';

/** Actions AWS offers without resource-level permissions, so `Resource: "*"` is the only option. */
const STAR_ONLY_ACTIONS = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

describe('IAM across the stack', () => {
  const { template } = synthesize();
  const statements: PolicyStatementJson[] = Object.values(
    ownResourcesOfType(template, 'AWS::IAM::Policy'),
  ).flatMap(statementsOf);
  const roles = Object.values(ownResourcesOfType(template, 'AWS::IAM::Role'));

  it('uses Resource "*" only for actions that support nothing else', () => {
    const starActions = statements
      .filter((statement) => asArray(statement.Resource).includes('*'))
      .flatMap((statement) => asArray(statement.Action));
    expect(starActions.length).toBeGreaterThan(0);
    expect(starActions.filter((action) => !STAR_ONLY_ACTIONS.has(action))).toEqual([]);
  });

  it('grants no wildcard actions', () => {
    const actions = statements.flatMap((statement) => asArray(statement.Action));
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('never allows a Scan, a batch or a transaction on the table', () => {
    const dynamodb = statements
      .flatMap((statement) => asArray(statement.Action))
      .filter((a) => a.startsWith('dynamodb:'));
    expect([...new Set(dynamodb)].sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('scopes every other wildcard to the schedules of the one schedule group', () => {
    const patterns = statements
      .flatMap((statement) => asArray(statement.Resource))
      .filter((resource) => resource !== '*' && JSON.stringify(resource).includes('*'));
    for (const pattern of patterns) {
      expect(JSON.stringify(pattern)).toMatch(/:schedule\/[A-Za-z0-9-]+\/\*"/);
    }
    expect(patterns.length).toBe(3); // the API function, run-step and the reconciler
  });

  it('attaches no AWS managed policies', () => {
    expect(roles.filter((role) => role.Properties?.ManagedPolicyArns !== undefined)).toEqual([]);
  });

  it('sets no hard-coded physical names', () => {
    const nameProperties: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
    };
    for (const [type, property] of Object.entries(nameProperties)) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect(resource.Properties ?? {}).not.toHaveProperty(property);
      }
    }
  });
});
