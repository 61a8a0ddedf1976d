import type { GlueTableModel, WorkGroupModel } from '../../athena/local-athena.ts';
import { type JsonObject, stringField } from '../../json.ts';
import { LOCAL_PARTITION, localArn } from '../../local-account.ts';
import type { AuthorizationCheck, CallChecks } from './authorization-check.ts';

/** What the Athena checks need to know of the local Athena: its workgroups, tables and executions. */
export interface AthenaCatalog {
  readonly workGroups: readonly WorkGroupModel[];
  readonly tables: readonly GlueTableModel[];
  workGroupOf(executionId: string): string | undefined;
}

const s3Arn = (location: string): string => `arn:${LOCAL_PARTITION}:s3:::${location.replace(/^s3:\/\//, '')}`;

/**
 * The IAM checks of an Athena call (AWS JSON 1.1, `X-Amz-Target: AmazonAthena.<Operation>`): the operation on
 * the workgroup (`workgroup/<name>`; an execution's own for GetQueryExecution and GetQueryResults). Athena reads
 * the Glue catalog and S3 and writes the results with the caller's permissions, so StartQueryExecution also
 * checks, for each table its SQL names, glue:GetDatabase, GetTable and GetPartitions and s3:ListBucket and
 * s3:GetObject on the table's location, and s3:PutObject on the workgroup's result location.
 */
export const athenaChecks = (operation: string, input: JsonObject, catalog: AthenaCatalog): CallChecks => {
  const action = `athena:${operation}`;
  const workGroupArn = (name: string) => localArn('athena', `workgroup/${name}`);
  if (
    operation === 'GetQueryExecution' ||
    operation === 'GetQueryResults' ||
    operation === 'StopQueryExecution'
  ) {
    const workGroup = catalog.workGroupOf(stringField(input, 'QueryExecutionId') ?? '');
    // An unknown execution is the endpoint's to answer (InvalidRequestException), as Athena does.
    return { checks: workGroup ? [{ action, resource: workGroupArn(workGroup) }] : [] };
  }
  if (operation !== 'StartQueryExecution') return { unmapped: `${operation} is not authorized locally` };
  const name = stringField(input, 'WorkGroup') ?? 'primary';
  const sql = (stringField(input, 'QueryString') ?? '').toLowerCase();
  const checks: AuthorizationCheck[] = [{ action, resource: workGroupArn(name) }];
  for (const table of catalog.tables.filter((candidate) =>
    sql.includes(`${candidate.database}.${candidate.name}`.toLowerCase()),
  )) {
    const tableArn = localArn('glue', `table/${table.database}/${table.name}`);
    checks.push(
      { action: 'glue:GetDatabase', resource: localArn('glue', `database/${table.database}`) },
      { action: 'glue:GetTable', resource: tableArn },
      { action: 'glue:GetPartitions', resource: tableArn },
      { action: 's3:ListBucket', resource: s3Arn(table.bucket) },
      { action: 's3:GetObject', resource: s3Arn(`${table.bucket}/${table.prefix}`) },
    );
  }
  const output = catalog.workGroups.find((workGroup) => workGroup.name === name)?.outputLocation;
  if (output) checks.push({ action: 's3:PutObject', resource: s3Arn(output) });
  return { checks };
};
