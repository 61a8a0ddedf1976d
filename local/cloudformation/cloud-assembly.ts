import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import { objectField, stringField } from '../json.ts';

/** A CloudFormation resource as synthesized, properties still holding intrinsics. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: JsonObject;
  readonly Metadata?: JsonObject;
  readonly Condition?: string;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
}

export interface CfnTemplate {
  readonly Parameters?: Record<string, { readonly Type?: string; readonly Default?: unknown }>;
  readonly Mappings?: JsonObject;
  readonly Conditions?: JsonObject;
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, CfnOutput>;
}

/** One stack of the cloud assembly: its template and the directory its asset paths are relative to. */
export interface StackArtifact {
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly assemblyDir: string;
}

/**
 * Reads every CloudFormation stack of a cloud assembly (cdk.out), following nested assemblies (stages).
 * The manifest is the CDK's own index, so the stacks are found however the app names its files.
 */
export const readCloudAssembly = (assemblyDir: string): StackArtifact[] => {
  const manifest: unknown = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8'));
  const artifacts = isJsonObject(manifest) ? (objectField(manifest, 'artifacts') ?? {}) : {};
  const stacks: StackArtifact[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (!isJsonObject(artifact)) continue;
    const properties = objectField(artifact, 'properties') ?? {};
    const type = stringField(artifact, 'type');
    if (type === 'aws:cloudformation:stack') {
      const templateFile = stringField(properties, 'templateFile');
      if (!templateFile) continue;
      const templatePath = join(assemblyDir, templateFile);
      stacks.push({
        stackName: stringField(properties, 'stackName') ?? artifactId,
        template: JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate,
        assemblyDir: dirname(templatePath),
      });
    } else if (type === 'cdk:cloud-assembly') {
      const directoryName = stringField(properties, 'directoryName');
      if (directoryName) stacks.push(...readCloudAssembly(join(assemblyDir, directoryName)));
    }
  }
  if (stacks.length === 0) throw new Error(`no CloudFormation stack in the cloud assembly at ${assemblyDir}`);
  return stacks;
};
