import { RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ENCRYPTION_CONTEXT_KEY } from '../lambdas/adapters/kms/kms-input-sealer';

/**
 * The KMS key that seals the input of jobs with sensitive variables on its way through the run
 * workflow, whose execution history would otherwise keep it. The API seals (GenerateDataKey), only
 * the run-job function opens (Decrypt), and both only with a job result id as encryption context.
 */
export class InputKey extends Construct {
  readonly key: IKey;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Countersign: seals the input of jobs with sensitive variables in the run workflow',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** New data keys for sealing, and nothing that decrypts. */
  grantSeal(grantee: IGrantable): Grant {
    return this.grantWithJobResultContext(grantee, 'kms:GenerateDataKey');
  }

  /** Decrypting data keys, and nothing that makes new ones. */
  grantOpen(grantee: IGrantable): Grant {
    return this.grantWithJobResultContext(grantee, 'kms:Decrypt');
  }

  /** Only requests whose encryption context is exactly one job result id. */
  private grantWithJobResultContext(grantee: IGrantable, action: string): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [action],
      resourceArns: [this.key.keyArn],
      conditions: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [ENCRYPTION_CONTEXT_KEY] },
        Null: { [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`]: 'false' },
      },
    });
  }
}
