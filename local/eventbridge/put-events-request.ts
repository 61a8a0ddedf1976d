import { isJsonObject, type JsonObject } from '#shared/json.ts';
import { nestedDeeperThan, stringField } from '../json.ts';
import { EventsError } from './events-error.ts';

/** PutEvents takes 1 to 10 entries a call. */
export const MAX_ENTRIES = 10;
/** The size limit of a PutEvents call's entries (1 MB since January 2026, FACTS.md). */
export const MAX_ENTRIES_BYTES = 1_048_576;

/** PutEvents processes JSON nested up to this deep (the PutEvents API reference). */
export const MAX_JSON_DEPTH = 1000;

/** A valid entry, ready to become an event on a bus. */
export interface AcceptedEntry {
  readonly source: string;
  readonly detailType: string;
  readonly detail: JsonObject;
  readonly resources: readonly string[];
  readonly time: Date;
  readonly busName: string;
}

export interface RejectedEntry {
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

export type CheckedEntry = { readonly accepted: AcceptedEntry } | { readonly rejected: RejectedEntry };

const invalidArgument = (parameter: string, reason: string): CheckedEntry => ({
  rejected: {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
  },
});

/** The bus named by an entry: a name or an ARN, `default` when absent. */
export const busNameOf = (nameOrArn: string | undefined): string =>
  !nameOrArn
    ? 'default'
    : nameOrArn.startsWith('arn:')
      ? (nameOrArn.split(':event-bus/')[1] ?? nameOrArn)
      : nameOrArn;

/** EventBridge counts an entry's Time (14 bytes), Source, DetailType, Detail and Resources (FACTS.md). */
const entrySize = (entry: JsonObject): number => {
  let size = 14;
  for (const field of ['Source', 'DetailType', 'Detail'])
    size += Buffer.byteLength(stringField(entry, field) ?? '');
  const resources = entry.Resources;
  if (Array.isArray(resources)) for (const resource of resources) size += Buffer.byteLength(String(resource));
  return size;
};

/** Whole-request checks: what EventBridge refuses with a ValidationException before looking at any entry. */
export const entriesOf = (request: unknown): JsonObject[] => {
  const entries = isJsonObject(request) ? request.Entries : undefined;
  if (entries === undefined || entries === null) {
    throw new EventsError(
      'ValidationException',
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(entries) || entries.some((entry) => !isJsonObject(entry))) {
    throw new EventsError(
      'SerializationException',
      'Entries must be a list of PutEventsRequestEntry objects',
    );
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw new EventsError(
      'ValidationException',
      `1 validation error detected: Value '[${entries.map(() => 'PutEventsRequestEntry').join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  // Before anything walks the entries: a Detail nested 100,000 deep parses, then breaks every reader of the event.
  const deep = (entries as JsonObject[]).findIndex((entry) =>
    nestedDeeperThan(stringField(entry, 'Detail') ?? '', MAX_JSON_DEPTH),
  );
  if (deep >= 0) {
    throw new EventsError(
      'ValidationException',
      `1 validation error detected: Value at 'entries.${deep + 1}.member.detail' failed to satisfy constraint: Member must not nest JSON more than ${MAX_JSON_DEPTH} levels deep`,
    );
  }
  const total = (entries as JsonObject[]).reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > MAX_ENTRIES_BYTES) {
    throw new EventsError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
  return entries as JsonObject[];
};

const timeOf = (value: unknown): Date | undefined => {
  // The SDKs send epoch seconds (AWS JSON 1.1 timestamps); the CLI may send an ISO string.
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
};

/** One entry's checks: each failure is reported in that entry's slot, as EventBridge does. */
export const checkEntry = (
  entry: JsonObject,
  busExists: (name: string) => boolean,
  now: Date,
): CheckedEntry => {
  const source = stringField(entry, 'Source');
  const detailType = stringField(entry, 'DetailType');
  const detailText = stringField(entry, 'Detail');
  if (!source) return invalidArgument('Source', 'Source is a required argument.');
  if (!detailType) return invalidArgument('DetailType', 'DetailType is a required argument.');
  if (!detailText) return invalidArgument('Detail', 'Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    detail = undefined;
  }
  if (!isJsonObject(detail))
    return { rejected: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  if (source.startsWith('aws.')) {
    return {
      rejected: {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: 'Not authorized for the source.',
      },
    };
  }
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  }
  const busName = busNameOf(stringField(entry, 'EventBusName'));
  // EventBridge itself accepts and drops events for a bus that does not exist; locally that is reported, so a
  // misconfigured EVENT_BUS_NAME shows up at once instead of as events that silently go nowhere.
  if (!busExists(busName)) {
    return {
      rejected: {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${busName} does not exist.`,
      },
    };
  }
  const time = entry.Time === undefined ? now : timeOf(entry.Time);
  if (!time) return invalidArgument('Time', 'Time is not a valid timestamp.');
  return { accepted: { source, detailType, detail, resources: resources as string[], time, busName } };
};
