/** Example jobs, module `example` of source `local`, mirroring Nautobot's example app. */
import * as z from 'zod/mini';
import { defineJob } from './define-job';

export const myJobWithNoVars = defineJob({
  path: 'local/example/MyJobWithNoVars',
  name: 'My job with no variables',
  description: 'Says hello and succeeds. Not sensitive, so it can be scheduled.',
  hasSensitiveVariables: false,
  timeLimitSeconds: 60,
  run({ logger, user }) {
    logger.info(`Hello, ${user}.`);
    return { greeting: `Hello, ${user}.` };
  },
});

export const addNumbers = defineJob({
  path: 'local/example/AddNumbers',
  name: 'Add numbers',
  description: 'Adds a list of numbers, optionally rounding the sum.',
  hasSensitiveVariables: false,
  timeLimitSeconds: 60,
  variables: z.strictObject({
    numbers: z.array(z.number()).check(z.minLength(1), z.maxLength(100), z.describe('The numbers to add')),
    round: z._default(z.boolean(), false).check(z.describe('Round the sum to the nearest integer')),
    label: z.optional(z.string().check(z.maxLength(100))).check(z.describe('A label for the result')),
  }),
  run({ logger }, { numbers, round, label }) {
    const total = numbers.reduce((sum, n) => sum + n, 0);
    const sum = round ? Math.round(total) : total;
    logger.info(`Added ${numbers.length} numbers.`);
    return { sum, ...(label === undefined ? {} : { label }) };
  },
});

export const alwaysFails = defineJob({
  path: 'local/example/AlwaysFails',
  name: 'Always fails',
  description: 'Logs a warning and then throws, to show how failures are recorded.',
  hasSensitiveVariables: false,
  timeLimitSeconds: 60,
  run({ logger }) {
    logger.warning('About to fail on purpose.');
    throw new Error('This job always fails.');
  },
});

export const slowCountdown = defineJob({
  path: 'local/example/SlowCountdown',
  name: 'Slow countdown',
  description: 'Counts down one second at a time, logging progress; stops early when its time limit passes.',
  hasSensitiveVariables: false,
  timeLimitSeconds: 30,
  variables: z.strictObject({
    seconds: z
      ._default(z.number().check(z.int(), z.minimum(1), z.maximum(600)), 3)
      .check(z.describe('How many seconds to count down')),
  }),
  async run({ logger, signal }, { seconds }) {
    for (let left = seconds; left > 0; left -= 1) {
      logger.info(`${left} second${left === 1 ? '' : 's'} to go.`);
      await sleep(1000, signal);
    }
    logger.info('Lift-off.');
    return { counted: seconds };
  },
});

export const rotateCredentials = defineJob({
  path: 'local/example/RotateCredentials',
  name: 'Rotate credentials',
  description:
    'Pretends to rotate a service credential. Needs approval; a dry run only reports what it would do.',
  approvalRequired: true,
  supportsDryrun: true,
  hasSensitiveVariables: false,
  timeLimitSeconds: 120,
  variables: z.strictObject({
    service: z
      .string()
      .check(z.minLength(1), z.maxLength(100), z.describe('The service whose credential is rotated')),
  }),
  run({ logger, dryrun }, { service }) {
    if (dryrun) {
      logger.info(`Dry run: would rotate the credential of ${service}.`);
      return { service, rotated: false };
    }
    logger.info(`Rotated the credential of ${service}.`);
    return { service, rotated: true };
  },
});

export const greetSecretly = defineJob({
  path: 'local/example/GreetWithSecret',
  name: 'Greet with a secret',
  description: 'Takes a secret input; like every job that does not opt out, its variables are sensitive.',
  timeLimitSeconds: 60,
  variables: z.strictObject({ secret: z.string().check(z.minLength(1), z.describe('Never stored')) }),
  run({ logger }, { secret }) {
    logger.info(`Received a secret of ${secret.length} characters.`);
    return { length: secret.length };
  },
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
