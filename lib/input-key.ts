import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ENCRYPTION_CONTEXT_KEY } from '../lambdas/adapters/kms/kms-input-sealer';

/** How the input of jobs with sensitive variables is sealed on its way through the run workflow. */
export type InputSealing = 'parameter-store' | 'customer-managed-key';

export interface InputKeyProps {
  /**
   * `parameter-store`: data keys are wrapped by a 256-bit secret kept as a SecureString parameter
   * (the AWS managed `aws/ssm` key: no monthly fee). `customer-managed-key`: envelope encryption with
   * a KMS key of this stack ($1 a month), every open a CloudTrail-logged Decrypt bound to one job
   * result, and a key policy the team controls. README, "Sealed input", compares the two.
   * @default 'parameter-store'
   */
  readonly sealing?: InputSealing;
}

/**
 * The key that seals the input of jobs with sensitive variables, whose execution history would
 * otherwise keep it for 90 days. The API seals; only the run-job function opens (with a KMS key it
 * cannot make new data keys; with the parameter it cannot write it).
 */
export class InputKey extends Construct {
  readonly sealing: InputSealing;
  /** The KMS key, with `customer-managed-key` sealing. */
  readonly key: IKey | undefined;
  /** The SecureString parameter's name, with `parameter-store` sealing. */
  readonly parameterName: string | undefined;

  constructor(scope: Construct, id: string, props: InputKeyProps = {}) {
    super(scope, id);
    this.sealing = props.sealing ?? 'parameter-store';
    if (this.sealing === 'customer-managed-key') {
      this.key = new Key(this, 'Key', {
        description: 'Countersign: seals the input of jobs with sensitive variables in the run workflow',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.parameterName = undefined;
    } else {
      this.key = undefined;
      // Unique to this stack and construct, not hard-coded: two deployments in one account never share it.
      this.parameterName = `/countersign/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    }
  }

  /** The variables that tell a function where the key is (read by lambdas/handlers/composition.ts). */
  environment(): Record<string, string> {
    if (this.key) return { INPUT_KEY_ARN: this.key.keyArn };
    return { INPUT_KEY_PARAMETER: this.parameterName as string };
  }

  /** Sealing: new data keys (KMS), or reading the parameter and making it on first use; nothing that opens. */
  grantSeal(grantee: IGrantable): Grant {
    if (this.key) return this.grantWithJobResultContext(this.key, grantee, 'kms:GenerateDataKey');
    return this.grantParameter(grantee, 'ssm:GetParameter', 'ssm:PutParameter');
  }

  /** Opening: decrypting data keys (KMS), or reading the parameter; nothing that makes or writes keys. */
  grantOpen(grantee: IGrantable): Grant {
    if (this.key) return this.grantWithJobResultContext(this.key, grantee, 'kms:Decrypt');
    return this.grantParameter(grantee, 'ssm:GetParameter');
  }

  /** Only requests whose encryption context is exactly one job result id. */
  private grantWithJobResultContext(key: IKey, grantee: IGrantable, action: string): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [action],
      resourceArns: [key.keyArn],
      conditions: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [ENCRYPTION_CONTEXT_KEY] },
        Null: { [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`]: 'false' },
      },
    });
  }

  /**
   * The parameter only. No KMS permission is needed: `aws/ssm` lets every principal of the account
   * decrypt through Parameter Store, which is why reading the parameter is the permission that counts.
   */
  private grantParameter(grantee: IGrantable, ...actions: string[]): Grant {
    const arn = Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: (this.parameterName as string).slice(1),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return Grant.addToPrincipal({ grantee, actions, resourceArns: [arn] });
  }
}
