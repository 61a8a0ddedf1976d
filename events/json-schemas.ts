import * as z from 'zod';
import { ALL_EVENTS, type EventDefinition, sourceOf } from './catalog.ts';

/**
 * The events' JSON Schemas, generated from the catalog's zod schemas and committed under events/schemas/
 * (`npm run events:schemas`, never hand-edited): each detail alone (2020-12), and each whole EventBridge event
 * (JSON Schema draft 4, what the EventBridge schema registry takes as `JSONSchemaDraft4`).
 */

const SCHEMA_BASE = 'https://reelhire.dev/events';

/** The JSON Schema of one event's detail. */
export const jsonSchemaOf = (definition: EventDefinition): Record<string, unknown> => ({
  ...z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }),
  $id: `${SCHEMA_BASE}/${definition.name}.schema.json`,
  title: definition.detailType,
  description: `detail of a "${definition.detailType}" event (source reelhire.${definition.origins.join(' | reelhire.')})`,
});

/** An event as EventBridge delivers it to a rule's targets: its envelope, and the definition's detail. */
export const busEventOf = (definition: EventDefinition) =>
  z.object({
    version: z.literal('0'),
    id: z.string().min(1).describe('unique per event, set by EventBridge'),
    'detail-type': z.literal(definition.detailType),
    source: z.enum(definition.origins.map(sourceOf)),
    account: z.string().regex(/^\d{12}$/),
    time: z.iso.datetime({ offset: true }).describe('when it happened (RFC 3339)'),
    region: z.string().min(1),
    resources: z.array(z.string()),
    detail: definition.schema,
  });

/** The whole event as JSON Schema draft 4 (the registry's `JSONSchemaDraft4`: `id`, not `$id`). */
export const busEventJsonSchemaOf = (definition: EventDefinition): Record<string, unknown> => ({
  ...z.toJSONSchema(busEventOf(definition), { target: 'draft-4', io: 'input', unrepresentable: 'any' }),
  id: `${SCHEMA_BASE}/${definition.name}.event.schema.json`,
  title: definition.detailType,
  description: `a "${definition.detailType}" event as EventBridge delivers it`,
});

const render = (schema: Record<string, unknown>): string => `${JSON.stringify(schema, null, 2)}\n`;

export const renderJsonSchema = (definition: EventDefinition): string => render(jsonSchemaOf(definition));

export const renderBusEventJsonSchema = (definition: EventDefinition): string =>
  render(busEventJsonSchemaOf(definition));

export const schemaFileName = (definition: EventDefinition): string => `${definition.name}.schema.json`;

export const busEventSchemaFileName = (definition: EventDefinition): string =>
  `${definition.name}.event.schema.json`;

/** Every committed schema file: the details and the whole events. */
export const allJsonSchemas = (): { file: string; content: string }[] =>
  ALL_EVENTS.flatMap((definition) => [
    { file: schemaFileName(definition), content: renderJsonSchema(definition) },
    { file: busEventSchemaFileName(definition), content: renderBusEventJsonSchema(definition) },
  ]);
