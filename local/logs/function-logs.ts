import { EventEmitter } from 'node:events';
import type { FunctionDefinition } from '../lambda/local-function.ts';

/** One line a function wrote, as `reelhire logs`, the console and `/_local/logs` see it. */
export interface FunctionLogRecord {
  /** Increases by one per line: a reader asks for the lines after the last one it saw. */
  readonly seq: number;
  readonly at: string;
  /** The function's short name: its Powertools service name (its key in lib/routing.ts). */
  readonly function: string;
  /** The deployed (physical) name. */
  readonly functionName: string;
  /** The invocation that wrote it; undefined for a line written outside one (INIT). */
  readonly requestId?: string;
  readonly stream: 'stdout' | 'stderr';
  /** As written: Powertools JSON, an EMF metrics line, or plain text. */
  readonly line: string;
}

export interface LogQuery {
  /** Short or physical name. */
  readonly function?: string;
  readonly requestId?: string;
  /** Only lines with a greater seq. */
  readonly after?: number;
}

/**
 * The name a person knows a function by: its Powertools service name, which the stack sets to its key in
 * lib/routing.ts, else its logical id without the `Function` suffix (an assembly from elsewhere).
 */
export const shortNameOf = (definition: Pick<FunctionDefinition, 'environment' | 'logicalId'>): string =>
  definition.environment.POWERTOOLS_SERVICE_NAME || definition.logicalId.replace(/Function$/, '');

/** The latest lines of every function, in memory (the stack's CloudWatch Logs), newest last. */
export class FunctionLogs extends EventEmitter<{ line: [FunctionLogRecord] }> {
  private readonly records: FunctionLogRecord[] = [];
  private seq = 0;

  constructor(private readonly limit = 5_000) {
    super();
  }

  append(record: Omit<FunctionLogRecord, 'seq' | 'at'>): FunctionLogRecord {
    this.seq += 1;
    const stored: FunctionLogRecord = { seq: this.seq, at: new Date().toISOString(), ...record };
    this.records.push(stored);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    this.emit('line', stored);
    return stored;
  }

  /** The last seq handed out: a follower that starts now asks for what comes after it. */
  get latest(): number {
    return this.seq;
  }

  query({ function: name, requestId, after = 0 }: LogQuery): FunctionLogRecord[] {
    return this.records.filter(
      (record) =>
        record.seq > after &&
        (name === undefined || record.function === name || record.functionName === name) &&
        (requestId === undefined || record.requestId === requestId),
    );
  }
}
