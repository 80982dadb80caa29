/**
 * The jobs core's unit tests run, one trait each, owned by the tests so that changing the demo
 * catalogue (lambdas/jobs/example.ts) never changes what a core test means. The names follow the
 * demo jobs whose traits they share.
 */
import * as z from 'zod/mini';
import { JobCatalogue } from '../../lambdas/core/jobs';
import { defineJob } from '../../lambdas/jobs/define-job';

export const coreCatalogue = new JobCatalogue([
  defineJob({
    path: 'tests/core/MyJobWithNoVars',
    hasSensitiveVariables: false,
    timeLimitSeconds: 60,
    run({ logger, user }) {
      logger.info(`Hello, ${user}.`);
      return { greeting: `Hello, ${user}.` };
    },
  }),
  defineJob({
    path: 'tests/core/AddNumbers',
    hasSensitiveVariables: false,
    timeLimitSeconds: 60,
    variables: z.strictObject({
      numbers: z.array(z.number()).check(z.minLength(1)),
      round: z._default(z.boolean(), false),
    }),
    run(_context, { numbers, round }) {
      const total = numbers.reduce((sum, n) => sum + n, 0);
      return { sum: round ? Math.round(total) : total };
    },
  }),
  defineJob({
    path: 'tests/core/AlwaysFails',
    hasSensitiveVariables: false,
    timeLimitSeconds: 60,
    run({ logger }) {
      logger.warning('About to fail on purpose.');
      throw new Error('This job always fails.');
    },
  }),
  defineJob({
    path: 'tests/core/SlowCountdown',
    hasSensitiveVariables: false,
    timeLimitSeconds: 30,
    variables: z.strictObject({ seconds: z.number() }),
    async run({ logger, signal }, { seconds }) {
      for (let left = seconds; left > 0; left -= 1) {
        logger.info(`${left} second${left === 1 ? '' : 's'} to go.`);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, 1000);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        });
      }
      return { counted: seconds };
    },
  }),
  defineJob({
    path: 'tests/core/RotateCredentials',
    approvalRequired: true,
    supportsDryrun: true,
    hasSensitiveVariables: false,
    timeLimitSeconds: 120,
    variables: z.strictObject({ service: z.string().check(z.minLength(1)) }),
    run(_context, { service }) {
      return { service };
    },
  }),
  defineJob({
    path: 'tests/core/GreetWithSecret',
    timeLimitSeconds: 60,
    variables: z.strictObject({ secret: z.string().check(z.minLength(1)) }),
    run(_context, { secret }) {
      return { length: secret.length };
    },
  }),
]);
