import {
  type DecryptCommandInput,
  InvalidCiphertextException,
  KMSInternalException,
} from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { DecryptCommand, GenerateDataKeyCommand } from '../../../lambdas/adapters/kms/kms-client';
import { KmsInputSealer } from '../../../lambdas/adapters/kms/kms-input-sealer';
import { SealedInputError } from '../../../lambdas/core/errors';
import { mockCommands } from '../../support/command-mock';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DATA_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const DATA_KEY_BLOB = Uint8Array.from({ length: 184 }, (_, i) => (i * 7) % 256);
const SECRET = { secret: 'hunter2' };

const kms = mockCommands();

/** KMS as it behaves: the data key back only for its own blob and the encryption context it was made with. */
function kmsWithOneDataKey(jobResultId: string) {
  const handedOut: Uint8Array[] = [];
  const fresh = () => {
    const copy = Uint8Array.from(DATA_KEY);
    handedOut.push(copy);
    return copy;
  };
  kms.on(GenerateDataKeyCommand).callsFake(() => ({ Plaintext: fresh(), CiphertextBlob: DATA_KEY_BLOB }));
  kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => {
    const sameBlob = Buffer.from(input.CiphertextBlob ?? []).equals(Buffer.from(DATA_KEY_BLOB));
    if (!sameBlob || input.EncryptionContext?.job_result_id !== jobResultId) {
      throw new InvalidCiphertextException({ message: '', $metadata: {} });
    }
    return { Plaintext: fresh(), KeyId: KEY_ARN };
  });
  return handedOut;
}

function sealer() {
  return new KmsInputSealer({ client: kms.client, keyId: KEY_ARN });
}

describe('Class: KmsInputSealer', () => {
  afterEach(() => {
    kms.reset();
  });

  describe('Method: seal', () => {
    it('asks KMS for one AES-256 data key bound to the job result, and wipes it after use', async () => {
      // Prepare
      const handedOut = kmsWithOneDataKey('r1');

      // Act
      const sealed = await sealer().seal(SECRET, { jobResultId: 'r1' });

      // Assess
      expect(kms.commandCalls(GenerateDataKeyCommand).map((call) => call.args[0].input)).toEqual([
        { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: { job_result_id: 'r1' } },
      ]);
      expect(handedOut).toHaveLength(1);
      expect([...(handedOut[0] ?? [])].every((byte) => byte === 0)).toBe(true);
      expect(sealed).toMatch(/^v1(\.[A-Za-z0-9_-]+){4}$/);
      expect(sealed.split('.')[1]).toBe(Buffer.from(DATA_KEY_BLOB).toString('base64url'));
      expect(sealed).not.toContain('hunter2');
      expect(Buffer.from(sealed.split('.')[4] ?? '', 'base64url').toString('latin1')).not.toContain(
        'hunter2',
      );
    });

    it('passes on a KMS failure', async () => {
      // Prepare
      kms
        .on(GenerateDataKeyCommand)
        .rejects(new KMSInternalException({ message: 'Internal error', $metadata: {} }));

      // Act & Assess
      await expect(sealer().seal(SECRET, { jobResultId: 'r1' })).rejects.toThrow(KMSInternalException);
    });
  });

  describe('Method: open', () => {
    it('round-trips through a Decrypt with the same key and encryption context', async () => {
      // Prepare
      const handedOut = kmsWithOneDataKey('r1');
      const sealed = await sealer().seal(SECRET, { jobResultId: 'r1' });

      // Act
      const opened = await sealer().open(sealed, { jobResultId: 'r1' });

      // Assess
      expect(opened).toEqual(SECRET);
      expect(kms.commandCalls(DecryptCommand).map((call) => call.args[0].input)).toEqual([
        {
          KeyId: KEY_ARN,
          CiphertextBlob: Buffer.from(DATA_KEY_BLOB),
          EncryptionContext: { job_result_id: 'r1' },
        },
      ]);
      expect(handedOut.every((key) => key.every((byte) => byte === 0))).toBe(true);
    });

    it('refuses input sealed for another job result', async () => {
      // Prepare
      kmsWithOneDataKey('r1');
      const sealed = await sealer().seal(SECRET, { jobResultId: 'r1' });

      // Act & Assess
      await expect(sealer().open(sealed, { jobResultId: 'r2' })).rejects.toThrow(SealedInputError);
      expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
        job_result_id: 'r2',
      });
    });

    it('refuses another job result even when the data key itself is handed back', async () => {
      // Prepare: a KMS that ignores the encryption context; the ciphertext is bound to the id as well.
      kms.on(GenerateDataKeyCommand).callsFake(() => ({
        Plaintext: Uint8Array.from(DATA_KEY),
        CiphertextBlob: DATA_KEY_BLOB,
      }));
      kms.on(DecryptCommand).callsFake(() => ({ Plaintext: Uint8Array.from(DATA_KEY) }));
      const sealed = await sealer().seal(SECRET, { jobResultId: 'r1' });

      // Act & Assess
      await expect(sealer().open(sealed, { jobResultId: 'r2' })).rejects.toThrow(SealedInputError);
    });

    it.each([
      ['the ciphertext', 4],
      ['the tag', 3],
      ['the iv', 2],
    ])('refuses input whose %s was altered', async (_part, index) => {
      // Prepare
      kmsWithOneDataKey('r1');
      const parts = (await sealer().seal(SECRET, { jobResultId: 'r1' })).split('.');
      const bytes = Buffer.from(parts[index] ?? '', 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      parts[index] = bytes.toString('base64url');

      // Act & Assess
      await expect(sealer().open(parts.join('.'), { jobResultId: 'r1' })).rejects.toThrow(SealedInputError);
    });

    it.each([
      ['', 'empty'],
      ['v2.a.b.c.d', 'another version'],
      ['v1.a.b.c', 'a missing part'],
      ['v1.a.b.c.d.e', 'an extra part'],
      ['v1.a+b.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA', 'not base64url'],
    ])('refuses %j (%s) without calling KMS', async (sealed) => {
      await expect(sealer().open(sealed, { jobResultId: 'r1' })).rejects.toThrow(SealedInputError);
      expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    });

    it('passes on a KMS failure that says nothing about the input', async () => {
      // Prepare
      kmsWithOneDataKey('r1');
      const sealed = await sealer().seal(SECRET, { jobResultId: 'r1' });
      kms.on(DecryptCommand).rejects(new KMSInternalException({ message: 'Internal error', $metadata: {} }));

      // Act & Assess
      await expect(sealer().open(sealed, { jobResultId: 'r1' })).rejects.toThrow(KMSInternalException);
    });
  });
});
