import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_EVENTS } from '#events/catalog.ts';
import { busEventSchemaFileName } from '#events/json-schemas.ts';
import {
  MAX_SCHEMA_CONTENT_CHARACTERS,
  MAX_SCHEMA_DESCRIPTION_CHARACTERS,
  schemaNameOf,
} from '../../lib/constructs/event-schema-registry.ts';
import { logicalIds } from '../../lib/names.ts';
import { prop, resolve, resourceOf, resourcesOf, templates } from './template.ts';

describe('the EventBridge schema registry (stateful stack)', () => {
  const { stateful } = templates();
  const publicEvents = ALL_EVENTS.filter((definition) => !definition.internal);

  it('is a registry named like the bus', () => {
    const registry = resourceOf(stateful, logicalIds.schemaRegistry, 'AWS::EventSchemas::Registry');
    expect(prop(registry, 'RegistryName')).toBe('reelhire-dev');
  });

  it.each(publicEvents.map((definition) => [definition.detailType, definition] as const))(
    '%s: the whole EventBridge event as JSONSchemaDraft4, the committed schema, within the registry’s limits',
    (_, definition) => {
      const schema = resourceOf(
        stateful,
        logicalIds.eventSchema(definition.name),
        'AWS::EventSchemas::Schema',
      );
      expect(prop(schema, 'Type')).toBe('JSONSchemaDraft4');
      expect(prop(schema, 'SchemaName')).toBe(schemaNameOf(definition));
      expect(resolve(prop(schema, 'RegistryName'))).toBe(`${logicalIds.schemaRegistry}.RegistryName`);
      const content = String(prop(schema, 'Content'));
      expect(content.length).toBeLessThanOrEqual(MAX_SCHEMA_CONTENT_CHARACTERS);
      expect(String(prop(schema, 'Description')).length).toBeLessThanOrEqual(
        MAX_SCHEMA_DESCRIPTION_CHARACTERS,
      );
      const committed = readFileSync(
        new URL(`../../events/schemas/${busEventSchemaFileName(definition)}`, import.meta.url),
        'utf8',
      );
      expect(JSON.parse(content)).toEqual(JSON.parse(committed));
      expect(JSON.parse(content)).toMatchObject({
        $schema: 'http://json-schema.org/draft-04/schema#',
        required: [
          'version',
          'id',
          'detail-type',
          'source',
          'account',
          'time',
          'region',
          'resources',
          'detail',
        ],
      });
    },
  );

  it('registers the contract’s events and no internal one', () => {
    const names = resourcesOf(stateful, 'AWS::EventSchemas::Schema').map(([, schema]) =>
      prop(schema, 'SchemaName'),
    );
    expect(names.sort()).toEqual(publicEvents.map(schemaNameOf).sort());
  });
});
