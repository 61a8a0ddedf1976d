import { describe, expect, it } from 'vitest';
import type { CfnTemplate, StackArtifact } from '../../lib/assembly.ts';
import {
  type ResolvedResource,
  resolveCloudAssembly,
  TemplateResolutionError,
} from '../../local/cloudformation/intrinsics.ts';
import { PROBE, probeTemplates } from '../support/probe-assembly.ts';

const API_URL = 'http://127.0.0.1:3000';

const stacksOf = (templates: Record<string, unknown>): StackArtifact[] =>
  Object.entries(templates).map(([stackName, template]) => ({
    artifactId: stackName,
    stackName,
    template: template as CfnTemplate,
    assemblyDir: '/assembly',
  }));

const resourceIn = (resources: readonly ResolvedResource[], logicalId: string): ResolvedResource => {
  const found = resources.find((resource) => resource.logicalId === logicalId);
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
};

describe('template intrinsics resolved to local values', () => {
  const { resources } = resolveCloudAssembly(stacksOf(probeTemplates), API_URL);

  it('follows Fn::ImportValue to the exporting stack, resolving its Ref and Fn::GetAtt there', () => {
    const queue = resourceIn(resources, 'WorkQueue');
    expect(queue.properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${PROBE.deadLetterQueue}`,
      maxReceiveCount: PROBE.maxReceiveCount,
    });
    const environment = (
      resourceIn(resources, 'ProbeFunction').properties.Environment as { Variables: Record<string, string> }
    ).Variables;
    expect(environment).toMatchObject({
      TABLE_NAME: PROBE.tableName,
      EVENT_BUS_NAME: PROBE.busName,
      QUEUE_URL: `${API_URL}/000000000000/${PROBE.workQueue}`,
      PUBLIC_BASE_URL: API_URL,
      TIKTOK_CLIENT_SECRET_NAME: PROBE.secretName,
    });
  });

  it('follows Fn::GetStackOutput (a weak reference) to the output of the producing stack, no export needed', () => {
    const producer = {
      Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'produced' } } },
      Outputs: { QueueArnOutput: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
    };
    const consumer = {
      Resources: {
        Thing: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            Arn: {
              'Fn::GetStackOutput': {
                StackName: 'Producer',
                Region: { Ref: 'AWS::Region' },
                OutputName: 'QueueArnOutput',
              },
            },
          },
        },
      },
    };
    const { resources: resolved } = resolveCloudAssembly(
      stacksOf({ Producer: producer, Consumer: consumer }),
      API_URL,
    );
    expect(resourceIn(resolved, 'Thing').properties.Arn).toBe('arn:aws:sqs:us-east-1:000000000000:produced');
    const missing = {
      Resources: {
        Q: {
          Type: 'AWS::SQS::Queue',
          Properties: { X: { 'Fn::GetStackOutput': { StackName: 'Producer', OutputName: 'Nope' } } },
        },
      },
    };
    expect(() => resolveCloudAssembly(stacksOf({ Producer: producer, S: missing }), API_URL)).toThrow(
      /Producer has no output Nope/,
    );
  });

  it('resolves Fn::Sub with pseudo parameters and Fn::Join with Refs', () => {
    const code = resourceIn(resources, 'ProbeFunction').properties.Code as Record<string, unknown>;
    expect(code.S3Bucket).toBe('cdk-hnb659fds-assets-000000000000-us-east-1');
    const integration = resourceIn(resources, 'ApiIntegration');
    expect(resourceIn(resources, 'Route0').properties.Target).toBe(
      `integrations/${integration.identity.ref}`,
    );
    expect(integration.properties.IntegrationUri).toBe(
      `arn:aws:lambda:us-east-1:000000000000:function:${PROBE.probeFunction}`,
    );
  });

  it('gives names and ARNs as CloudFormation would, explicit names first', () => {
    expect(resourceIn(resources, 'ScheduledFunction').identity.ref).toBe(PROBE.scheduledFunction);
    expect(resourceIn(resources, 'WorkRule').identity.attribute('Arn')).toBe(
      `arn:aws:events:us-east-1:000000000000:rule/${PROBE.busName}/${PROBE.ruleName}`,
    );
    expect(resourceIn(resources, 'ScheduleRule').identity.attribute('Arn')).toBe(
      `arn:aws:events:us-east-1:000000000000:rule/${PROBE.scheduleRuleName}`,
    );
    expect(resourceIn(resources, 'Table').identity.attribute('Arn')).toBe(
      `arn:aws:dynamodb:us-east-1:000000000000:table/${PROBE.tableName}`,
    );
  });

  it('leaves out resources whose condition is false', () => {
    expect(resources.some((resource) => resource.logicalId === 'CloudOnlyQueue')).toBe(false);
  });

  it('handles Fn::Select, Fn::Split, Fn::If, AWS::NoValue, Sub variables and escapes', () => {
    const template = {
      Conditions: { Always: { 'Fn::Equals': ['a', 'a'] } },
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'named' } },
        Thing: {
          Type: 'Custom::Thing',
          Properties: {
            Select: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
            If: { 'Fn::If': ['Always', 'yes', 'no'] },
            Dropped: { Ref: 'AWS::NoValue' },
            List: ['kept', { 'Fn::If': ['Always', { Ref: 'AWS::NoValue' }, 'x'] }],
            Sub: {
              'Fn::Sub': [
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
                '${Name}-${Queue.QueueName}-${!Literal}-${AWS::StackName}',
                { Name: { Ref: 'Queue' } },
              ],
            },
            GetAtt: { 'Fn::GetAtt': 'Queue.Arn' },
            Azs: { 'Fn::GetAZs': '' },
          },
        },
      },
    };
    const [thing] = resolveCloudAssembly(stacksOf({ Inline: template }), API_URL).resources.filter(
      (resource) => resource.logicalId === 'Thing',
    );
    expect(thing?.properties).toEqual({
      Select: 'b',
      If: 'yes',
      List: ['kept'],
      Sub: `${API_URL}/000000000000/named-named-\${Literal}-Inline`,
      GetAtt: 'arn:aws:sqs:us-east-1:000000000000:named',
      Azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
  });

  it('says what cannot be resolved', () => {
    const missingExport = {
      Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { X: { 'Fn::ImportValue': 'Nope' } } } },
    };
    expect(() => resolveCloudAssembly(stacksOf({ S: missingExport }), API_URL)).toThrow(
      TemplateResolutionError,
    );
    const unknownRef = {
      Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { X: { Ref: 'Missing' } } } },
    };
    expect(() => resolveCloudAssembly(stacksOf({ S: unknownRef }), API_URL)).toThrow(/Missing/);
    const custom = {
      Resources: {
        C: { Type: 'Custom::Provider', Properties: {} },
        Q: { Type: 'AWS::SQS::Queue', Properties: { X: { 'Fn::GetAtt': ['C', 'Output'] } } },
      },
    };
    const resolved = resolveCloudAssembly(stacksOf({ S: custom }), API_URL);
    expect(resolved.warnings).toEqual([expect.stringContaining('C.Output')]);
  });
});
