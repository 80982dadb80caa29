import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  HANDLER_ENTRIES,
  type HandlerName,
  LAMBDA_ARCHITECTURE,
  LAMBDA_RUNTIME,
  nodejsBundlingOptions,
  PROJECT_ROOT,
} from './bundling';

export interface CountersignFunctionProps {
  /** Which entry point in `lambdas/handlers` this function runs. */
  readonly handler: HandlerName;
  readonly description: string;
  /**
   * The store's table name, which the handlers read as `TABLE_NAME`.
   * @default - none: the function does not use the table
   */
  readonly tableName?: string;
  /**
   * Environment variables beyond the ones every function gets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * A Countersign Lambda function: the shared runtime, architecture and bundling, its own log group
 * with a retention, and its own role that may write only to that log group (instead of the AWS
 * managed basic-execution policy, which allows writing to every log group in the account).
 *
 * No X-Ray tracing: a trace that shows only the function, not the DynamoDB, Step Functions and
 * Scheduler calls it makes, says little, and tracing those calls (Powertools Tracer, with the X-Ray
 * SDK) adds ~122 KiB to every bundle, a third of the size budget. What operators need to see is in
 * the logs (one execution id on every line of a run) and in the business metrics.
 */
export class CountersignFunction extends Construct implements IGrantable {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CountersignFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the Countersign ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, HANDLER_ENTRIES[props.handler]),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      description: props.description,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      role: this.role,
      logGroup: this.logGroup,
      bundling: nodejsBundlingOptions(props.handler),
      environment: {
        ...(props.tableName === undefined ? {} : { TABLE_NAME: props.tableName }),
        POWERTOOLS_SERVICE_NAME: 'countersign',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
  }

  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  get functionArn(): string {
    return this.function.functionArn;
  }
}
