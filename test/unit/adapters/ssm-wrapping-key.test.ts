import { describe, expect, it } from 'vitest';
import { KeyWrappingInputSealer } from '../../../lambdas/adapters/crypto/key-wrapping-input-sealer';
import type { ParameterStore } from '../../../lambdas/adapters/ssm/parameter-store-client';
import { ssmWrappingKey } from '../../../lambdas/adapters/ssm/ssm-wrapping-key';

/** Parameter Store in memory, counting calls; `failNextGet` makes one read fail as a throttle would. */
class InMemoryParameterStore implements ParameterStore {
  readonly values = new Map<string, string>();
  gets = 0;
  puts = 0;
  failNextGet = false;

  async getSecureString(name: string): Promise<string | undefined> {
    this.gets += 1;
    if (this.failNextGet) {
      this.failNextGet = false;
      throw new Error('ThrottlingException');
    }
    return this.values.get(name);
  }

  async putSecureStringIfAbsent(name: string, value: string): Promise<boolean> {
    this.puts += 1;
    if (this.values.has(name)) return false;
    this.values.set(name, value);
    return true;
  }
}

const NAME = '/countersign/test';

describe('Function: ssmWrappingKey', () => {
  it('makes the key on first use by the sealer, and the opener reads the same one', async () => {
    // Prepare
    const parameters = new InMemoryParameterStore();
    const sealer = new KeyWrappingInputSealer(
      ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: true }),
    );
    const opener = new KeyWrappingInputSealer(
      ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: false }),
    );

    // Act
    const sealed = await sealer.seal({ password: 'hunter2' }, { jobResultId: 'r1' });
    const opened = await opener.open(sealed, { jobResultId: 'r1' });

    // Assess
    expect(opened).toEqual({ password: 'hunter2' });
    expect(Buffer.from(parameters.values.get(NAME) ?? '', 'base64')).toHaveLength(32);
    expect(sealed).not.toContain(parameters.values.get(NAME));
  });

  it('agrees on one key when two environments make it at once', async () => {
    // Prepare: both read "missing" before either writes.
    const parameters = new InMemoryParameterStore();
    const first = ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: true });
    const second = ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: true });

    // Act
    const [a, b] = await Promise.all([first(), second()]);

    // Assess
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(parameters.puts).toBe(2);
  });

  it('reads the key once per environment, but tries again after a failed read', async () => {
    const parameters = new InMemoryParameterStore();
    parameters.values.set(NAME, Buffer.alloc(32, 7).toString('base64'));
    const key = ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: false });
    parameters.failNextGet = true;

    await expect(key()).rejects.toThrow('ThrottlingException');
    await key();
    await key();

    expect(parameters.gets).toBe(2);
  });

  it('never makes the key for the opener, and refuses a value that is not 256 bits', async () => {
    const parameters = new InMemoryParameterStore();
    await expect(
      ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: false })(),
    ).rejects.toThrow('does not exist yet');
    expect(parameters.puts).toBe(0);
    parameters.values.set(NAME, 'c2hvcnQ=');
    await expect(
      ssmWrappingKey({ parameters, parameterName: NAME, createIfMissing: true })(),
    ).rejects.toThrow('not 256 bits');
  });
});
