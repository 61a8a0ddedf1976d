import * as z from 'zod';
import { ALL_EVENTS, type EventDefinition } from './catalog.ts';

/** The JSON Schema of one event's detail, as committed under events/schemas/ (generated, never hand-edited). */
export const jsonSchemaOf = (definition: EventDefinition): Record<string, unknown> => ({
  ...z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }),
  $id: `https://reelhire.dev/events/${definition.name}.schema.json`,
  title: definition.detailType,
  description: `detail of a "${definition.detailType}" event (source reelhire.${definition.origins.join(' | reelhire.')})`,
});

export const renderJsonSchema = (definition: EventDefinition): string =>
  `${JSON.stringify(jsonSchemaOf(definition), null, 2)}\n`;

export const schemaFileName = (definition: EventDefinition): string => `${definition.name}.schema.json`;

export const allJsonSchemas = (): { file: string; content: string }[] =>
  ALL_EVENTS.map((definition) => ({
    file: schemaFileName(definition),
    content: renderJsonSchema(definition),
  }));
