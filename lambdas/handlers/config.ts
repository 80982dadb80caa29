/** Reads the Lambda environment once, failing at cold start with a message that names what is missing. */
const KNOWN = {
  TABLE_NAME: 'the DynamoDB table',
  STATE_MACHINE_ARN: 'the run workflow state machine',
  SCHEDULE_GROUP_NAME: 'the EventBridge Scheduler schedule group',
  SCHEDULER_ROLE_ARN: 'the role EventBridge Scheduler assumes to start runs',
  SCHEDULER_DLQ_ARN: 'the dead-letter queue for undeliverable schedule firings',
  SCHEDULER_TARGET_ARN: 'what schedules invoke (the start-occurrence function)',
  INPUT_KEY_ARN: 'the KMS key that seals the input of jobs with sensitive variables',
  INPUT_KEY_PARAMETER: 'the Parameter Store key that seals the input of jobs with sensitive variables',
  AWS_REGION: 'the region (set by the Lambda runtime)',
  EVENT_BUS_NAME: 'the EventBridge event bus that notifications are put on',
} as const;

export type ConfigName = keyof typeof KNOWN;

export function readConfig<const Names extends readonly ConfigName[]>(
  names: Names,
  env: NodeJS.ProcessEnv = process.env,
): Record<Names[number], string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `Missing configuration: ${missing.map((name) => `${name} (${KNOWN[name]})`).join(', ')}. ` +
        'These are set by the CDK stack; set them yourself only when running a handler outside it.',
    );
  }
  return Object.fromEntries(names.map((name) => [name, env[name] as string])) as Record<
    Names[number],
    string
  >;
}
