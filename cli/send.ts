import { readFile } from 'node:fs/promises';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Command } from 'commander';
import { BusEntry } from '#events/samples.ts';
import { busNameOf } from '../lib/names.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { columns, note, print } from './output.ts';
import { awsClientConfig, jsonOption, regionOption, urlOption } from './target.ts';

/**
 * `reelhire send <file>`: canonical events from a JSON file onto the bus with PutEvents, ≤ 10 entries a call,
 * each call's FailedEntryCount checked and every entry's outcome reported. The detail is not checked here:
 * putting an event the handlers refuse (and watching it reach a dead-letter queue) is a use of this command.
 */

const MAX_ENTRIES_PER_CALL = 10;

interface SendOptions {
  readonly url: string;
  readonly region?: string;
  readonly bus: string;
  readonly json?: boolean;
}

interface EntryOutcome {
  readonly index: number;
  readonly source: string;
  readonly detailType: string;
  readonly eventId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

const readEntries = async (file: string): Promise<BusEntry[]> => {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) throw new UsageError(`${file} holds no event`);
  return items.map((item, index) => {
    const parsed = BusEntry.safeParse(item);
    const where = Array.isArray(json) ? `${file}[${index}]` : file;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${where}: ${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}`);
    }
    if (
      typeof parsed.data.detail !== 'object' ||
      parsed.data.detail === null ||
      Array.isArray(parsed.data.detail)
    )
      throw new UsageError(`${where}: detail: a JSON object is expected`);
    return parsed.data;
  });
};

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = async (file: string, options: SendOptions): Promise<void> => {
  const entries = await readEntries(file);
  const client = new EventBridgeClient(awsClientConfig(options));
  const outcomes: EntryOutcome[] = [];
  const calls: { readonly entries: number; readonly failedEntryCount: number }[] = [];
  try {
    for (let start = 0; start < entries.length; start += MAX_ENTRIES_PER_CALL) {
      const batch = entries.slice(start, start + MAX_ENTRIES_PER_CALL);
      const request: PutEventsRequestEntry[] = batch.map((entry) => ({
        EventBusName: options.bus,
        Source: entry.source,
        DetailType: entry['detail-type'],
        Detail: JSON.stringify(entry.detail),
      }));
      const result = await client.send(new PutEventsCommand({ Entries: request }));
      calls.push({ entries: batch.length, failedEntryCount: result.FailedEntryCount ?? 0 });
      batch.forEach((entry, offset) => {
        const answer = result.Entries?.[offset];
        outcomes.push({
          index: start + offset,
          source: entry.source,
          detailType: entry['detail-type'],
          ...(answer?.EventId ? { eventId: answer.EventId } : {}),
          ...(answer?.ErrorCode ? { errorCode: answer.ErrorCode } : {}),
          ...(answer?.ErrorMessage ? { errorMessage: answer.ErrorMessage } : {}),
        });
      });
      if (entries.length > MAX_ENTRIES_PER_CALL && !options.json)
        note(`put ${Math.min(start + MAX_ENTRIES_PER_CALL, entries.length)}/${entries.length} entries`);
    }
  } finally {
    client.destroy();
  }
  const failed = outcomes.filter((outcome) => outcome.eventId === undefined);
  print(options, {
    json: () => ({ bus: options.bus, calls, entries: outcomes }),
    human: () => [
      ...columns(
        outcomes.map((outcome) => [
          `[${outcome.index}]`,
          outcome.detailType,
          outcome.source,
          outcome.eventId
            ? `→ event ${outcome.eventId}`
            : `FAILED ${outcome.errorCode ?? ''}: ${outcome.errorMessage ?? 'no event id returned'}`,
        ]),
      ),
      `${outcomes.length - failed.length} of ${outcomes.length} put on ${options.bus} in ${calls.length} call${calls.length === 1 ? '' : 's'} (FailedEntryCount ${calls.map((call) => call.failedEntryCount).join(', ')})`,
    ],
  });
  if (failed.length > 0) throw new RemoteError(`${failed.length} of ${outcomes.length} entries failed`);
};

export const registerSend = (program: Command): void => {
  program
    .command('send')
    .summary('put canonical events from a JSON file on the bus')
    .description(
      'Puts the events of a JSON file (one {source, detail-type, detail} or an array of them; - for stdin) on ' +
        "the bus with PutEvents, at most 10 a call: the local stack's endpoint by default, a deployed bus with " +
        '--region. Reports each entry; exits 1 if any failed.',
    )
    .argument('<file>', 'a JSON file of events, or - for stdin')
    .option('--bus <name>', 'the event bus', busNameOf('dev'))
    .addOption(regionOption('the bus'))
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((file: string, options: SendOptions) => send(file, options));
};
