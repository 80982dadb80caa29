import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CountersignStack } from '../../lib/countersign-stack';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly { readonly ruleName: string; readonly severity: string }[];
    readonly suppressedViolations?: readonly {
      readonly ruleName: string;
      readonly reason: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

describe('cdk-nag AwsSolutions checks', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new CountersignStack(app, 'Countersign');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const report = JSON.parse(
    readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');

  it('synthesizes with no unacknowledged finding, error or warning', () => {
    expect(nag?.violations.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
    expect(nag?.conclusion).toBe('success');
    expect(synthError).toBeUndefined();
  });

  it('acknowledges only these findings, each on its own resource and with a reason', () => {
    const acknowledged = (nag?.suppressedViolations ?? []).flatMap((finding) =>
      finding.violatingConstructs.map((construct) => {
        expect(finding.reason.length).toBeGreaterThan(40);
        const rule = finding.ruleName.replace(/schedule\/[^/]+\/\*/, 'schedule/<group>/*');
        return `${construct.constructPath} ${rule}`;
      }),
    );
    expect(acknowledged.sort()).toEqual([
      'Countersign/Api/Handler/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<group>/*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/Resource AwsSolutions-L1',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action::s3:Abort*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action::s3:GetObject*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Action::s3:List*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<WebBucketE51352C0.Arn>/*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      'Countersign/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB/ServiceRole/Resource AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Countersign/ScheduleReconciler/Function/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<group>/*]',
      'Countersign/Scheduler/DeadLetterQueue/Resource AwsSolutions-SQS3',
      'Countersign/Web/Distribution/Resource AwsSolutions-CFR1',
      'Countersign/Web/Distribution/Resource AwsSolutions-CFR2',
      'Countersign/Web/Distribution/Resource AwsSolutions-CFR4',
      'Countersign/Workflow/RunStep/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<group>/*]',
      'Countersign/Workflow/StateMachine/Resource AwsSolutions-SF2',
      'Countersign/Workflow/StateMachine/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
    ]);
  });
});
