import { randomBytes } from 'node:crypto';
import { KeyWrappingInputSealer } from '../lambdas/adapters/crypto/key-wrapping-input-sealer';

/**
 * The deployed envelope, with each data key wrapped by a key made at random for this process.
 * Sealed inputs do not outlive the process, and need not: the local server fails runs that were in
 * flight when it last stopped.
 */
export class LocalInputSealer extends KeyWrappingInputSealer {
  constructor() {
    const processKey = randomBytes(32);
    super(async () => processKey);
  }
}
