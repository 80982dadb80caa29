import { SealedInputError } from '../../core/errors';
import type { InputSealer } from '../../core/ports';
import { type CommandSender, isServiceError } from '../aws/aws-client';
import { openWithDataKey, parseSealedInput, sealWithDataKey } from '../crypto/sealed-input-format';
import { DecryptCommand, GenerateDataKeyCommand } from './kms-client';

/** The one encryption context key; the key's IAM grants allow no other. */
export const ENCRYPTION_CONTEXT_KEY = 'job_result_id';

/**
 * Envelope encryption with a KMS key: one data key per run from GenerateDataKey, bound to the job
 * result through the encryption context, so only a Decrypt that names the same job result (and is
 * recorded in CloudTrail) can open the input.
 */
export class KmsInputSealer implements InputSealer {
  constructor(private readonly props: { readonly client: CommandSender; readonly keyId: string }) {}

  async seal(data: Record<string, unknown>, context: { readonly jobResultId: string }): Promise<string> {
    const generated = await this.props.client.send(
      new GenerateDataKeyCommand({
        KeyId: this.props.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: context.jobResultId },
      }),
    );
    const { Plaintext: plaintext, CiphertextBlob: encrypted } = generated;
    if (!plaintext || !encrypted) {
      plaintext?.fill(0);
      throw new Error('KMS GenerateDataKey returned no data key.');
    }
    return sealWithDataKey({ plaintext, encrypted }, data, context.jobResultId);
  }

  async open(sealed: string, context: { readonly jobResultId: string }): Promise<Record<string, unknown>> {
    const envelope = parseSealedInput(sealed);
    let plaintext: Uint8Array | undefined;
    try {
      ({ Plaintext: plaintext } = await this.props.client.send(
        new DecryptCommand({
          KeyId: this.props.keyId,
          CiphertextBlob: envelope.encryptedKey,
          EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: context.jobResultId },
        }),
      ));
    } catch (error) {
      // KMS answers a wrong encryption context, or a data key of another key, this way.
      if (isServiceError(error, 'InvalidCiphertextException', 'IncorrectKeyException')) {
        throw new SealedInputError(undefined, { cause: error });
      }
      throw error;
    }
    if (!plaintext) throw new Error('KMS Decrypt returned no data key.');
    return openWithDataKey(envelope, plaintext, context.jobResultId);
  }
}
