import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INDEX_NAMES, type IndexName, indexAttributes } from '../lambdas/adapters/dynamodb/keys';

/** The generic secondary indexes the key builders in `lambdas/adapters` address (`gsi1`..`gsi5`). */
export { INDEX_NAMES, type IndexName };

/** The item-level DynamoDB actions the handlers use; there is deliberately no Scan. */
export type StoreAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

export interface StoreProps {
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single DynamoDB table: jobs state, users, tokens, scheduled jobs, results, logs and audit.
 *
 * Encryption at rest uses the AWS managed key (`aws/dynamodb`): unlike the default AWS owned key its
 * use is recorded in CloudTrail, and unlike a customer managed key it needs no key policy, no
 * `kms:GenerateDataKey*` grants on every function, and costs nothing. Switch to a customer managed
 * key if a deployment must be able to revoke access to the data through the key.
 */
export class Store extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: StoreProps = {}) {
    super(scope, id);

    const table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const indexName of INDEX_NAMES) {
      const { pk, sk } = indexAttributes(indexName);
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: pk, type: AttributeType.STRING },
        sortKey: { name: sk, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    this.table = table;
  }

  /**
   * Grants exactly the given actions: item actions on the table, and `Query` on the table and on each
   * index by name (no `index/*` wildcard).
   */
  grant(grantee: IGrantable, ...actions: StoreAction[]): Grant {
    const itemActions = actions.filter((action) => action !== 'dynamodb:Query');
    const grants: Grant[] = [];
    if (itemActions.length > 0) {
      grants.push(
        Grant.addToPrincipal({ grantee, actions: itemActions, resourceArns: [this.table.tableArn] }),
      );
    }
    if (actions.includes('dynamodb:Query')) {
      grants.push(
        Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:Query'],
          resourceArns: [
            this.table.tableArn,
            ...INDEX_NAMES.map((name) => `${this.table.tableArn}/index/${name}`),
          ],
        }),
      );
    }
    const [first, ...rest] = grants;
    if (!first) throw new Error('Store.grant needs at least one action.');
    return rest.reduce((combined, grant) => combined.combine(grant), first);
  }

  /**
   * Update only items whose partition key starts with `keyPrefix` (e.g. `RESULT#`, see
   * lambdas/adapters/dynamodb/keys.ts), by IAM's `dynamodb:LeadingKeys` condition.
   */
  grantUpdateItemsUnder(grantee: IGrantable, ...keyPrefixes: [string, ...string[]]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((prefix) => `${prefix}*`) },
      },
    });
  }

  /** Query one index only: neither the table nor the other indexes. */
  grantQueryIndex(grantee: IGrantable, ...indexNames: [IndexName, ...IndexName[]]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: indexNames.map((indexName) => `${this.table.tableArn}/index/${indexName}`),
    });
  }

  /** Read one item by key: what the authorizer needs to look up a token. */
  grantGetItem(grantee: IGrantable): Grant {
    return this.grant(grantee, 'dynamodb:GetItem');
  }
}
