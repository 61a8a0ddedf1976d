import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { EventDefinition } from './catalog.ts';

/** A canonical event as put on the bus (the PutEvents entry fields that matter). */
export const BusEntry = z.object({
  source: z.string().min(1).max(256),
  'detail-type': z.string().min(1).max(128),
  detail: z.unknown(),
});
export type BusEntry = z.infer<typeof BusEntry>;

/** The sample of an event definition, read from events/samples/<name>.json. */
export const sampleOf = (definition: EventDefinition): BusEntry =>
  BusEntry.parse(
    JSON.parse(readFileSync(new URL(`./samples/${definition.name}.json`, import.meta.url), 'utf8')),
  );
