import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { FUNNEL_ROLLUP_PREFIX } from '#shared/item-keys.ts';
import type { IndexDesign } from '#shared/table-design.ts';

/**
 * What a function may do in the table: `read` and `readWrite` any item, `funnelRollups` read and put the funnel
 * rollup items alone (the funnel reads keep them: functions/commons/funnel/funnel-rollup.ts).
 */
export type TableAccess = 'read' | 'readWrite' | 'funnelRollups';

/** The funnel rollups: one item a key, read and replaced whole. */
export const FUNNEL_ROLLUP_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'] as const;

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
  access: TableAccess,
): void => {
  if (access === 'funnelRollups') {
    Grant.addToPrincipal({
      grantee,
      actions: [...FUNNEL_ROLLUP_ACTIONS],
      resourceArns: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${FUNNEL_ROLLUP_PREFIX}*`] } },
    });
    return;
  }
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
