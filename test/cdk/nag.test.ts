import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_SYNTH_CONTEXT } from '../../lib/config.ts';
import { synthesized } from '../support/synth.ts';
import {
  findingsOf,
  freshOutdir,
  removeOutdirs,
  reportOf,
  synthWithoutBundling,
} from '../support/synth-variants.ts';

afterAll(removeOutdirs);

describe('cdk-nag', () => {
  it('the dev synth passes AwsSolutions with every finding acknowledged', () => {
    expect(findingsOf(reportOf(synthesized().outdir))).toEqual([]);
  });

  it('runs on every synth: an unencrypted queue without a dead-letter queue is reported', () => {
    const outdir = freshOutdir();
    const synth = () =>
      synthWithoutBundling(outdir, { stage: 'dev', [LOCAL_SYNTH_CONTEXT]: true }, {}, ({ stateless }) => {
        new Queue(stateless, 'CarelessQueue');
      });
    // The synth fails (so `cdk synth` and `cdk deploy` stop) and the report names the finding.
    expect(synth).toThrow(/CarelessQueue/);
    const findings = findingsOf(reportOf(outdir)).filter((finding) => finding.includes('CarelessQueue'));
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-SQS3 /),
        expect.stringMatching(/^AwsSolutions-SQS4 /),
      ]),
    );
  });
});
