import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { type EventDefinition, sourceOf } from '#events/catalog.ts';
import { busEventJsonSchemaOf } from '#events/json-schemas.ts';
import { logicalIds } from '../names.ts';

/** The schema registry's limit on one schema's content (CreateSchema `Content`: 1 to 100,000 characters). */
export const MAX_SCHEMA_CONTENT_CHARACTERS = 100_000;
/** … and on its description (0 to 256). */
export const MAX_SCHEMA_DESCRIPTION_CHARACTERS = 256;

export interface EventSchemaRegistryProps {
  /** Letters, digits, `.`, `-` and `_`, at most 64. */
  readonly registryName: string;
  /** The events to register, each as the whole EventBridge event (events/json-schemas.ts). */
  readonly events: readonly EventDefinition[];
}

/** `Video Posted` → `reelhire@VideoPosted`: EventBridge's own naming (`aws.events@ScheduledEvent`). */
export const schemaNameOf = (definition: EventDefinition): string =>
  `reelhire@${definition.detailType.replaceAll(' ', '')}`;

/**
 * An EventBridge schema registry holding one `JSONSchemaDraft4` schema per event, generated from the catalog at
 * synth time (the same text as events/schemas/*.event.schema.json), so that subscribers (the platforms' rules,
 * code bindings) find every event's shape beside the bus. Each update publishes a new schema version.
 */
export class EventSchemaRegistry extends Construct {
  public readonly registry: CfnRegistry;
  /** Keyed by detail-type. */
  public readonly schemas: ReadonlyMap<string, CfnSchema>;

  constructor(scope: Construct, id: string, props: EventSchemaRegistryProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: 'ReelHire’s canonical events, each as the whole EventBridge event (events/catalog.ts)',
    });
    this.registry.overrideLogicalId(logicalIds.schemaRegistry);
    const schemas = new Map<string, CfnSchema>();
    for (const definition of props.events) {
      const content = JSON.stringify(busEventJsonSchemaOf(definition));
      if (content.length > MAX_SCHEMA_CONTENT_CHARACTERS) {
        throw new Error(
          `the schema of "${definition.detailType}" has ${content.length} characters; the registry takes ${MAX_SCHEMA_CONTENT_CHARACTERS}`,
        );
      }
      const schema = new CfnSchema(this, definition.name, {
        registryName: this.registry.attrRegistryName,
        schemaName: schemaNameOf(definition),
        type: 'JSONSchemaDraft4',
        content,
        description:
          `A "${definition.detailType}" event (source ${definition.origins.map(sourceOf).join(' or ')})`.slice(
            0,
            MAX_SCHEMA_DESCRIPTION_CHARACTERS,
          ),
      });
      schema.overrideLogicalId(logicalIds.eventSchema(definition.name));
      schemas.set(definition.detailType, schema);
    }
    this.schemas = schemas;
  }
}
