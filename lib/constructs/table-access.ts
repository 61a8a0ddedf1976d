import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IndexDesign } from '#shared/table-design.ts';

/** Item reads; no Scan and no stream reads, which no handler needs. */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;

export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * Grants table access narrower than `table.grantReadData`: that one adds Scan, the stream actions and
 * `index/*`, while the handlers only need item operations on the table and Query on the named indexes.
 */
export const grantTableAccess = (
  grantee: IGrantable,
  table: ITable,
  indexes: readonly IndexDesign[],
  access: 'read' | 'readWrite',
): void => {
  Grant.addToPrincipal({
    grantee,
    actions:
      access === 'readWrite' ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : [...TABLE_READ_ACTIONS],
    resourceArns: [table.tableArn],
  });
  Grant.addToPrincipal({
    grantee,
    actions: ['dynamodb:Query'],
    resourceArns: indexes.map((index) => `${table.tableArn}/index/${index.name}`),
  });
};
