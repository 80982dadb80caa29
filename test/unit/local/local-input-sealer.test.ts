import { describe, expect, it } from 'vitest';
import { SealedInputError } from '../../../lambdas/core/errors';
import { LocalInputSealer } from '../../../local/local-input-sealer';

const SECRET = { secret: 'hunter2', nested: { list: [1, 'two'] } };

describe('Class: LocalInputSealer', () => {
  describe('Method: seal', () => {
    it('writes the deployed envelope format and nothing of the input in the clear', async () => {
      // Act
      const sealed = await new LocalInputSealer().seal(SECRET, { jobResultId: 'r1' });

      // Assess
      expect(sealed).toMatch(/^v1(\.[A-Za-z0-9_-]+){4}$/);
      expect(sealed).not.toContain('hunter2');
      for (const part of sealed.split('.').slice(1)) {
        expect(Buffer.from(part, 'base64url').toString('latin1')).not.toContain('hunter2');
      }
    });

    it('seals the same input differently each time', async () => {
      const sealer = new LocalInputSealer();
      const first = await sealer.seal(SECRET, { jobResultId: 'r1' });
      expect(await sealer.seal(SECRET, { jobResultId: 'r1' })).not.toBe(first);
    });
  });

  describe('Method: open', () => {
    it('round-trips for the same job result', async () => {
      // Prepare
      const sealer = new LocalInputSealer();
      const sealed = await sealer.seal(SECRET, { jobResultId: 'r1' });

      // Act & Assess
      expect(await sealer.open(sealed, { jobResultId: 'r1' })).toEqual(SECRET);
    });

    it('refuses input sealed for another job result', async () => {
      const sealer = new LocalInputSealer();
      const sealed = await sealer.seal(SECRET, { jobResultId: 'r1' });
      await expect(sealer.open(sealed, { jobResultId: 'r2' })).rejects.toThrow(SealedInputError);
    });

    it.each([1, 2, 3, 4])('refuses input whose part %i was altered', async (index) => {
      // Prepare
      const sealer = new LocalInputSealer();
      const parts = (await sealer.seal(SECRET, { jobResultId: 'r1' })).split('.');
      const bytes = Buffer.from(parts[index] ?? '', 'base64url');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      parts[index] = bytes.toString('base64url');

      // Act & Assess
      await expect(sealer.open(parts.join('.'), { jobResultId: 'r1' })).rejects.toThrow(SealedInputError);
    });

    it('refuses a data key wrapped by another process', async () => {
      const sealed = await new LocalInputSealer().seal(SECRET, { jobResultId: 'r1' });
      await expect(new LocalInputSealer().open(sealed, { jobResultId: 'r1' })).rejects.toThrow(
        SealedInputError,
      );
    });

    it('refuses what is not a sealed input', async () => {
      await expect(new LocalInputSealer().open('{"secret":"x"}', { jobResultId: 'r1' })).rejects.toThrow(
        SealedInputError,
      );
    });
  });
});
