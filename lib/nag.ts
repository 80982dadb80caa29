import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledgements (`Validations.of(x).acknowledge`; v2's `NagSuppressions` is gone), always
 * on one construct and one finding.
 *
 * A finding is matched by its exact id (no prefixes) on the resource or one of its ancestors, so each
 * helper names the precise wildcard it accepts: a new wildcard added to the same policy later is still
 * reported. The ids carry the plugin namespace (`AwsSolutions::`), which makes CDK list every
 * acknowledged finding, with its reason, under `suppressedViolations` in validation-report.json.
 */

/**
 * Accepts `Resource: "*"` in the policies under `scope`, for actions that have no resource-level
 * permissions (CloudWatch Logs delivery).
 */
export function acknowledgeStarResource(scope: IConstruct, reason: string): void {
  Validations.of(scope).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason });
}

/** Accepts one wildcard resource pattern, e.g. every schedule in one schedule group. */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const finding = flattenCfnReference(Stack.of(scope).resolve(resourceArn));
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${finding}]`, reason });
}

/** Accepts a finding that is not about a wildcard, e.g. a queue that is itself a dead-letter queue. */
export function acknowledgeRule(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${ruleId}`, reason });
}

/** Accepts one wildcard action, e.g. `s3:GetObject*` granted by a CDK-provided construct. */
export function acknowledgeWildcardAction(scope: IConstruct, action: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`, reason });
}
