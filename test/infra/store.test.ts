import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { onlyResourceOfType, synthesize } from './synth';

describe('Construct: Store', () => {
  const { template } = synthesize();
  const [, table] = onlyResourceOfType(template, 'AWS::DynamoDB::Table');

  it('has generic string keys pk/sk, on-demand billing and no hard-coded name', () => {
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(table.Properties).not.toHaveProperty('TableName');
    expect(table.Properties?.AttributeDefinitions).toEqual(
      [
        'pk',
        'sk',
        'gsi1pk',
        'gsi1sk',
        'gsi2pk',
        'gsi2sk',
        'gsi3pk',
        'gsi3sk',
        'gsi4pk',
        'gsi4sk',
        'gsi5pk',
        'gsi5sk',
      ].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    );
  });

  it('has the five generic GSIs, each projecting all attributes', () => {
    expect(table.Properties?.GlobalSecondaryIndexes).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({
        IndexName: `gsi${n}`,
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('is point-in-time recoverable, encrypted with the AWS managed key, and protected from deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});
