import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { CfnResource, StackArtifact } from '../../lib/assembly.ts';
import { LOCAL_ACCOUNT, LOCAL_PARTITION, LOCAL_REGION } from '../local-account.ts';
import { identityOf, type ResourceIdentity } from './physical-ids.ts';

/** A resource with every intrinsic in its properties resolved to local values. */
export interface ResolvedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: JsonObject;
  readonly metadata: JsonObject;
  /** The directory `aws:asset:path` metadata is relative to. */
  readonly assemblyDir: string;
  readonly identity: ResourceIdentity;
}

/** The resolved resources of one CloudFormation type. */
export const ofType = (resources: readonly ResolvedResource[], type: string): ResolvedResource[] =>
  resources.filter((resource) => resource.type === type);

export interface ResolvedAssembly {
  readonly resources: readonly ResolvedResource[];
  /** References that could only be given placeholder values (attributes of resources not emulated). */
  readonly warnings: readonly string[];
}

export class TemplateResolutionError extends Error {
  override readonly name = 'TemplateResolutionError';
}

/** `Ref: AWS::NoValue` removes the property or list element that holds it. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = unknown;

const INTRINSICS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::Select',
  'Fn::Split',
  'Fn::ImportValue',
  'Fn::GetStackOutput',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::GetAZs',
  'Fn::Base64',
  'Fn::FindInMap',
  'Fn::ToJsonString',
  'Fn::Length',
]);

class StackScope {
  private readonly identities = new Map<string, ResourceIdentity>();
  private readonly identitiesUnderway = new Set<string>();
  private readonly conditions = new Map<string, boolean>();

  constructor(
    readonly stack: StackArtifact,
    private readonly assembly: AssemblyResolver,
  ) {}

  get resources(): Record<string, CfnResource> {
    return this.stack.template.Resources ?? {};
  }

  resolve(value: unknown, path: string): Resolved {
    if (Array.isArray(value)) {
      return value
        .map((item, index) => this.resolve(item, `${path}[${index}]`))
        .filter((item) => item !== NO_VALUE);
    }
    if (!isJsonObject(value)) return value;
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0]! : undefined;
    // `Condition` and `Ref` are intrinsics only with a name; an IAM statement's Condition block is data.
    const intrinsic =
      only !== undefined &&
      INTRINSICS.has(only) &&
      ((only !== 'Condition' && only !== 'Ref') || typeof value[only] === 'string');
    if (intrinsic) return this.intrinsic(only, value[only], path);
    const resolved: JsonObject = {};
    for (const key of keys) {
      const item = this.resolve(value[key], `${path}.${key}`);
      if (item !== NO_VALUE) resolved[key] = item;
    }
    return resolved;
  }

  identity(logicalId: string): ResourceIdentity {
    const known = this.identities.get(logicalId);
    if (known) return known;
    const resource = this.resources[logicalId];
    if (!resource) throw new TemplateResolutionError(`${this.stack.stackName}: no resource ${logicalId}`);
    if (this.identitiesUnderway.has(logicalId)) {
      throw new TemplateResolutionError(`${this.stack.stackName}: ${logicalId}'s name refers to itself`);
    }
    this.identitiesUnderway.add(logicalId);
    try {
      const identity = identityOf({
        stackName: this.stack.stackName,
        logicalId,
        type: resource.Type,
        property: (name) => this.resolve(resource.Properties?.[name], `${logicalId}.${name}`),
        apiUrl: this.assembly.apiUrl,
      });
      this.identities.set(logicalId, identity);
      return identity;
    } finally {
      this.identitiesUnderway.delete(logicalId);
    }
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.stack.template.Conditions?.[name];
    if (definition === undefined)
      throw new TemplateResolutionError(`${this.stack.stackName}: no condition ${name}`);
    const value = this.resolve(definition, `Conditions.${name}`);
    if (typeof value !== 'boolean') throw new TemplateResolutionError(`condition ${name} is not a boolean`);
    this.conditions.set(name, value);
    return value;
  }

  private ref(name: string, path: string): Resolved {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return LOCAL_PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${this.stack.stackName}/local`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const parameter = this.stack.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    if (this.resources[name]) return this.identity(name).ref;
    throw new TemplateResolutionError(`${path}: Ref to unknown ${name} in ${this.stack.stackName}`);
  }

  private getAtt(logicalId: string, attribute: string, path: string): Resolved {
    const value = this.identity(logicalId).attribute(attribute);
    if (value !== undefined) return value;
    const placeholder = `local-unresolved:${this.stack.stackName}/${logicalId}.${attribute}`;
    this.assembly.warn(`${path}: Fn::GetAtt ${logicalId}.${attribute} has no local value (${placeholder})`);
    return placeholder;
  }

  private sub(template: string, variables: JsonObject, path: string): string {
    return template.replace(/\$\{([^}]*)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return String(this.resolve(variables[expression], path));
      const dot = expression.indexOf('.');
      if (dot > 0 && !expression.startsWith('AWS::')) {
        return String(this.getAtt(expression.slice(0, dot), expression.slice(dot + 1), path));
      }
      const value = this.ref(expression, path);
      if (typeof value !== 'string') throw new TemplateResolutionError(`${path}: cannot substitute ${whole}`);
      return value;
    });
  }

  private intrinsic(name: string, argument: unknown, path: string): Resolved {
    const args = (): unknown[] => {
      const resolved = this.resolve(argument, path);
      if (!Array.isArray(resolved)) throw new TemplateResolutionError(`${path}: ${name} takes a list`);
      return resolved;
    };
    switch (name) {
      case 'Ref':
        return this.ref(String(argument), path);
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, ...attribute] =
          typeof argument === 'string' ? argument.split('.') : (this.resolve(argument, path) as string[]);
        return this.getAtt(String(logicalId), attribute.join('.'), path);
      }
      case 'Fn::Join': {
        const [delimiter, list] = args();
        if (!Array.isArray(list)) throw new TemplateResolutionError(`${path}: Fn::Join needs a list`);
        return list.map(String).join(String(delimiter));
      }
      case 'Fn::Sub': {
        if (typeof argument === 'string') return this.sub(argument, {}, path);
        if (!Array.isArray(argument)) throw new TemplateResolutionError(`${path}: bad Fn::Sub`);
        const [template, variables] = argument as [unknown, unknown];
        return this.sub(String(template), isJsonObject(variables) ? variables : {}, path);
      }
      case 'Fn::Select': {
        const [index, list] = args();
        if (!Array.isArray(list)) throw new TemplateResolutionError(`${path}: Fn::Select needs a list`);
        const item = list[Number(index)];
        if (item === undefined)
          throw new TemplateResolutionError(`${path}: Fn::Select index ${index} out of range`);
        return item;
      }
      case 'Fn::Split': {
        const [delimiter, source] = args();
        return String(source).split(String(delimiter));
      }
      case 'Fn::ImportValue':
        return this.assembly.importValue(String(this.resolve(argument, path)), path);
      case 'Fn::GetStackOutput': {
        const reference = this.resolve(argument, path);
        if (!isJsonObject(reference)) throw new TemplateResolutionError(`${path}: bad Fn::GetStackOutput`);
        return this.assembly.stackOutput(String(reference.StackName), String(reference.OutputName), path);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return this.resolve(this.condition(condition) ? whenTrue : whenFalse, path);
      }
      case 'Fn::Equals': {
        const [left, right] = args();
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::And':
        return args().every((item) => item === true);
      case 'Fn::Or':
        return args().some((item) => item === true);
      case 'Fn::Not':
        return args()[0] !== true;
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${LOCAL_REGION}${zone}`);
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(argument, path))).toString('base64');
      case 'Fn::FindInMap': {
        const [map, top, second] = args().map(String) as [string, string, string];
        const value = (
          this.stack.template.Mappings?.[map] as Record<string, Record<string, unknown>> | undefined
        )?.[top]?.[second];
        if (value === undefined)
          throw new TemplateResolutionError(`${path}: no mapping ${map}.${top}.${second}`);
        return value;
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(argument, path));
      case 'Fn::Length':
        return args().length;
      default:
        throw new TemplateResolutionError(`${path}: ${name} is not supported locally`);
    }
  }
}

class AssemblyResolver {
  readonly warnings: string[] = [];
  private readonly scopes: StackScope[];
  private exportsByName: Map<string, { scope: StackScope; value: unknown }> | undefined;

  constructor(
    stacks: readonly StackArtifact[],
    readonly apiUrl: string,
  ) {
    this.scopes = stacks.map((stack) => new StackScope(stack, this));
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Exports are read from every stack's Outputs, as CloudFormation does across stacks of one account. */
  importValue(name: string, path: string): Resolved {
    if (!this.exportsByName) {
      this.exportsByName = new Map();
      for (const scope of this.scopes) {
        for (const [outputId, output] of Object.entries(scope.stack.template.Outputs ?? {})) {
          if (output.Export === undefined) continue;
          const exportName = String(scope.resolve(output.Export.Name, `Outputs.${outputId}.Export.Name`));
          this.exportsByName.set(exportName, { scope, value: output.Value });
        }
      }
    }
    const found = this.exportsByName.get(name);
    if (!found) throw new TemplateResolutionError(`${path}: no stack exports ${name}`);
    return found.scope.resolve(found.value, `export ${name}`);
  }

  /** Fn::GetStackOutput: an output of another stack of the assembly, read as it is, no export needed. */
  stackOutput(stackName: string, outputName: string, path: string): Resolved {
    const scope = this.scopes.find((candidate) => candidate.stack.stackName === stackName);
    const output = scope?.stack.template.Outputs?.[outputName];
    if (!scope || !output)
      throw new TemplateResolutionError(`${path}: stack ${stackName} has no output ${outputName}`);
    return scope.resolve(output.Value, `${stackName}.Outputs.${outputName}`);
  }

  resolveAll(): ResolvedResource[] {
    const resources: ResolvedResource[] = [];
    for (const scope of this.scopes) {
      for (const [logicalId, resource] of Object.entries(scope.resources)) {
        if (resource.Condition !== undefined && !scope.condition(resource.Condition)) continue;
        resources.push({
          stackName: scope.stack.stackName,
          logicalId,
          type: resource.Type,
          properties: scope.resolve(
            resource.Properties ?? {},
            `${scope.stack.stackName}.${logicalId}`,
          ) as JsonObject,
          metadata: resource.Metadata ?? {},
          assemblyDir: scope.stack.assemblyDir,
          identity: scope.identity(logicalId),
        });
      }
    }
    return resources;
  }
}

/**
 * Resolves the intrinsics of every stack (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split,
 * Fn::ImportValue and Fn::GetStackOutput across stacks, conditions, pseudo parameters) to what they would be in
 * the local account.
 */
export const resolveCloudAssembly = (stacks: readonly StackArtifact[], apiUrl: string): ResolvedAssembly => {
  const resolver = new AssemblyResolver(stacks, apiUrl);
  const resources = resolver.resolveAll();
  return { resources, warnings: resolver.warnings };
};
