import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ALL_EVENTS, EVENTS } from '#events/catalog.ts';
import { allJsonSchemas, busEventSchemaFileName } from '#events/json-schemas.ts';
import { EventSchemaError, parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';

describe('event catalog', () => {
  it.each(ALL_EVENTS.map((definition) => [definition.detailType, definition] as const))(
    '%s: its sample validates and has a source the definition allows',
    (_, definition) => {
      const sample = sampleOf(definition);
      expect(sample['detail-type']).toBe(definition.detailType);
      expect(definition.origins.map((origin) => `reelhire.${origin}`)).toContain(sample.source);
      expect(definition.schema.safeParse(sample.detail).success).toBe(true);
    },
  );

  it('has one definition per detail-type', () => {
    const detailTypes = ALL_EVENTS.map((definition) => definition.detailType);
    expect(new Set(detailTypes).size).toBe(detailTypes.length);
  });

  it('commits JSON Schemas that are current (run `npm run events:schemas` when this fails)', () => {
    for (const { file, content } of allJsonSchemas()) {
      const committed = readFileSync(new URL(`../events/schemas/${file}`, import.meta.url), 'utf8');
      expect(committed, file).toBe(content);
    }
  });

  it.each(ALL_EVENTS.map((definition) => [definition.detailType, definition] as const))(
    '%s: its sample, as EventBridge delivers it, fits the committed draft-4 schema of the whole event',
    (_, definition) => {
      // CommonJS modules whose `default` is their export: so under NodeNext as at run time.
      const ajv = new Ajv04.default({ strict: false, allErrors: true });
      addFormats.default(ajv);
      const schema: object = JSON.parse(
        readFileSync(
          new URL(`../events/schemas/${busEventSchemaFileName(definition)}`, import.meta.url),
          'utf8',
        ),
      );
      const validate = ajv.compile(schema);
      const sample = sampleOf(definition);
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': sample['detail-type'],
        source: sample.source,
        account: '123456789012',
        time: '2026-11-19T08:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: sample.detail,
      };
      expect(validate(event), ajv.errorsText(validate.errors)).toBe(true);
      expect(validate({ ...event, source: 'reelhire.elsewhere' })).toBe(false);
      expect(validate({ ...event, detail: {} })).toBe(false);
    },
  );

  it('names the offending field when a detail does not fit', () => {
    const detail = { ...(sampleOf(EVENTS.videoPosted).detail as object), videoId: '', postedAt: 'yesterday' };
    const error = (() => {
      try {
        parseDetail('videoPosted', detail);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EventSchemaError);
    expect((error as EventSchemaError).issues.map((issue) => issue.path).sort()).toEqual([
      'detail.postedAt',
      'detail.videoId',
    ]);
  });

  it('ignores unknown extra fields (forward compatibility)', () => {
    const detail = { ...(sampleOf(EVENTS.jobClosed).detail as object), futureField: { nested: true } };
    expect(parseDetail('jobClosed', detail)).not.toHaveProperty('futureField');
  });

  it.each([
    ['an id over 128 characters', { jobId: 'j'.repeat(129) }],
    ['version 0', { version: 0 }],
    ['a fractional version', { version: 1.5 }],
    ['a timestamp without offset', { closedAt: '2026-12-01T09:00:00' }],
  ])('rejects %s', (_, override) => {
    const detail = { ...(sampleOf(EVENTS.jobClosed).detail as object), ...override };
    expect(() => parseDetail('jobClosed', detail)).toThrow(EventSchemaError);
  });

  it.each([
    ['a lone high surrogate', 'job-\ud800'],
    ['a lone low surrogate', '\udc00job'],
    ['a pair in the wrong order', 'job-\udc00\ud800'],
  ])('rejects an id with %s, which UTF-8 would turn into another id', (_, jobId) => {
    // Every lone surrogate becomes U+FFFD in UTF-8: two such ids would be one key in DynamoDB.
    expect(Buffer.from(jobId).toString('utf8')).toContain('\ufffd');
    const detail = { ...(sampleOf(EVENTS.jobClosed).detail as object), jobId };
    expect(() => parseDetail('jobClosed', detail)).toThrow(/detail\.jobId: must be well-formed Unicode/);
  });

  it('accepts an id with characters beyond the BMP (well-formed surrogate pairs)', () => {
    const detail = { ...(sampleOf(EVENTS.jobClosed).detail as object), jobId: 'job-🎬-名' };
    expect(parseDetail('jobClosed', detail).jobId).toBe('job-🎬-名');
  });

  it('accepts https portfolio urls only', () => {
    const sample = sampleOf(EVENTS.profileUpdated).detail as object;
    expect(() => parseDetail('profileUpdated', { ...sample, portfolioUrl: 'http://contra.com/x' })).toThrow(
      /portfolioUrl/,
    );
  });

  it('accepts a loopback http notifyUrl but no other plain http', () => {
    const sample = sampleOf(EVENTS.jobPublished).detail as object;
    expect(
      parseDetail('jobPublished', { ...sample, notifyUrl: 'http://127.0.0.1:4000/hook' }).notifyUrl,
    ).toBe('http://127.0.0.1:4000/hook');
    expect(() => parseDetail('jobPublished', { ...sample, notifyUrl: 'http://example.com/hook' })).toThrow(
      /notifyUrl/,
    );
  });
});
