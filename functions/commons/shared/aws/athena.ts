import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';

let athena: AthenaClient | undefined;

export class AthenaQueryError extends Error {
  override readonly name = 'AthenaQueryError';
}

/** How often a running query is polled, growing to this at most (Athena answers small queries in 1–3 s). */
const POLL_MS = [100, 200, 400, 800];

/**
 * Runs one query in a workgroup (its result location and scan limit are the workgroup's) and returns its rows
 * as strings, the header row left out. `parameters` are bound to the `?` in order, each as a string literal.
 * Throws AthenaQueryError when the query fails or is cancelled, or has not finished within `timeoutMs`.
 */
export const runAthenaQuery = async (
  workGroup: string,
  sql: string,
  parameters: readonly string[],
  timeoutMs: number,
): Promise<(string | undefined)[][]> => {
  athena ??= new AthenaClient({});
  const { QueryExecutionId } = await athena.send(
    new StartQueryExecutionCommand({
      WorkGroup: workGroup,
      QueryString: sql,
      // Athena binds each parameter as SQL text: a quoted literal, its quotes doubled.
      ...(parameters.length > 0
        ? { ExecutionParameters: parameters.map((value) => `'${value.replaceAll("'", "''")}'`) }
        : {}),
    }),
  );
  if (!QueryExecutionId) throw new AthenaQueryError('Athena started no query');
  const deadline = Date.now() + timeoutMs;
  for (let poll = 0; ; poll++) {
    const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    const state = QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED')
      throw new AthenaQueryError(`query ${state}: ${QueryExecution?.Status?.StateChangeReason ?? ''}`);
    if (Date.now() > deadline) throw new AthenaQueryError(`query not finished within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(poll, POLL_MS.length - 1)]));
  }
  const rows: (string | undefined)[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken: nextToken }));
    for (const row of page.ResultSet?.Rows ?? [])
      rows.push((row.Data ?? []).map((datum) => datum.VarCharValue));
    nextToken = page.NextToken;
  } while (nextToken);
  // The first row of a SELECT's results is its column names.
  return rows.slice(1);
};
