import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../lib/assembly.ts';
import { scanLogs, secretValuesOf } from '../../reliability/log-scan.ts';
import { auditTemplates } from '../../reliability/template-audit.ts';
import { synthesized } from '../support/synth.ts';

describe('template audit', () => {
  it('the synthesized stacks allow no wildcard action and keep nothing unencrypted', () => {
    const { stateful, stateless } = synthesized().templates;
    const audit = auditTemplates([stateful, stateless]);
    expect(audit.allowStatements).toBeGreaterThan(20);
    expect(audit.wildcardActions).toEqual([]);
    expect(audit.unencrypted).toEqual([]);
    const types = new Set(audit.dataResources.map((finding) => finding.type));
    expect([...types]).toEqual(expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::SQS::Queue']));
    for (const finding of audit.dataResources.filter((found) =>
      ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SNS::Topic'].includes(found.type),
    )) {
      expect(finding.encryption.kind, finding.logicalId).toBe('explicit');
    }
  });

  it('finds a wildcard wherever a policy hides it, and a queue or topic left unencrypted', () => {
    const template: CfnTemplate = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              {
                PolicyDocument: {
                  Statement: [{ Effect: 'Allow', Action: ['dynamodb:*'], Resource: '*' }],
                },
              },
            ],
          },
        },
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: { Statement: { Effect: 'Allow', NotAction: 'kms:Decrypt', Resource: '*' } },
          },
        },
        Guard: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: { PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 'sqs:*', Resource: '*' }] } },
        },
        Plain: { Type: 'AWS::SQS::Queue', Properties: {} },
        Alerts: { Type: 'AWS::SNS::Topic', Properties: {} },
      },
    };
    const audit = auditTemplates([template]);
    expect(audit.wildcardActions).toEqual([
      { logicalId: 'Role', action: 'dynamodb:*' },
      { logicalId: 'Key', action: 'kms:Decrypt' },
    ]);
    expect(audit.unencrypted.map((finding) => finding.logicalId)).toEqual(['Plain', 'Alerts']);
  });
});

describe('secrets in logs', () => {
  const secrets = {
    TIKTOK_CLIENT_SECRET: 'tiktok-0123456789abcdef',
    YOUTUBE_HUB_SECRET: 'hub-0123456789abcdef',
    CONTRA_WEBHOOK_SECRET: 'whsec_c2VjcmV0LWtleS1ieXRlcy0wMTIzNDU2Nzg5',
    VIEWER_TOKEN_SECRET: 'viewer-0123456789abcdef0123456789abcdef',
    EMPLOYER_SIGNING_KEY: 'employer-master-0123456789abcdef',
  };

  it('searches every secret, the key inside whsec_ secrets and each mentioned employer’s derived secret', () => {
    const lines = ['{"message":"employer notification attempt","employerId":"emp_1"}'];
    const values = secretValuesOf(secrets, lines);
    expect(values.map((value) => value.name)).toEqual([
      'TIKTOK_CLIENT_SECRET',
      'YOUTUBE_HUB_SECRET',
      'CONTRA_WEBHOOK_SECRET',
      'CONTRA_WEBHOOK_SECRET (key)',
      'VIEWER_TOKEN_SECRET',
      'EMPLOYER_SIGNING_KEY',
      'signing secret of employer emp_1',
      'signing secret of employer emp_1 (key)',
    ]);
    expect(scanLogs(lines, values).hits).toEqual([]);
  });

  it('reports a line that carries one, however it is quoted', () => {
    const values = secretValuesOf(secrets, []);
    const lines = ['ok', `{"config":{"key":"${secrets.CONTRA_WEBHOOK_SECRET.slice(6)}"}}`, 'fine'];
    expect(scanLogs(lines, values).hits).toEqual([{ name: 'CONTRA_WEBHOOK_SECRET (key)', lines: 1 }]);
  });
});
