/**
 * AWS list prices used by the cost benchmark: us-east-1, on-demand, without free tiers, as published
 * in November 2026. Estimates, for comparing designs; check the pricing pages before budgeting.
 */
export const PRICES = {
  /** Step Functions Standard, per state transition (every state entered). */
  stepFunctionsTransition: 0.025 / 1000,
  /** Lambda, per request, and per GB-second on arm64. */
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write and per read request unit. */
  dynamoDbWru: 0.625 / 1e6,
  dynamoDbRru: 0.125 / 1e6,
  /** CloudWatch Logs ingestion (standard, and vended logs such as Step Functions'), per byte. */
  logsIngestedByte: 0.5 / 1024 ** 3,
  /** API Gateway HTTP API, per request (first 300 million a month). */
  httpApiRequest: 1.0 / 1e6,
  /** EventBridge Scheduler, per invocation (beyond the 14 million free a month). */
  schedulerInvocation: 1.0 / 1e6,
  /** KMS: a customer-managed key per month, and per request. */
  kmsKeyMonth: 1.0,
  kmsRequest: 0.03 / 10_000,
  /** A standard-resolution CloudWatch alarm (one metric), per month. */
  alarmMonth: 0.1,
  /** Secrets Manager, a secret per month (Countersign keeps none; listed for the idle check). */
  secretMonth: 0.4,
} as const;
