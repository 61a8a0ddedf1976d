import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '../../local/eventbridge/pattern/invalid-pattern.ts';
import { compileEventPattern, validateEventPattern } from '../../local/eventbridge/pattern/matcher.ts';

// Cases recorded against the real EventBridge (TestEventPattern), kept outside the project: read in place.
const CORPUS = fileURLToPath(new URL('../../../shared/conformance/eventbridge-patterns/', import.meta.url));
const EXPECTED_CASES = 156;

type Expected = 'match' | 'no match' | 'invalid';
type Answer = Expected | `error: ${string}`;

interface ConformanceCase {
  readonly name: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly expected: Expected;
}

const expectedFromName = (name: string): Expected =>
  name.endsWith('_EXC') ? 'invalid' : name.endsWith('_NEG') ? 'no match' : 'match';

const loadCases = (): ConformanceCase[] => {
  const cases = readdirSync(CORPUS)
    .filter((file) => file.endsWith('.json5'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.json5'.length);
      const { Event, EventPattern } = JSON5.parse<{ Event: unknown; EventPattern: unknown }>(
        readFileSync(`${CORPUS}${file}`, 'utf8'),
      );
      return { name, pattern: EventPattern, event: Event, expected: expectedFromName(name) };
    });
  // The extra pair's pattern names `location` twice; JSON.parse keeps the last value (anything-but "us-east"),
  // as EventBridge does, so eu-central-1 matches (the first, prefix "us-", would not).
  cases.push({
    name: 'complex_multi_key_event (duplicate key, last wins)',
    pattern: JSON.parse(readFileSync(`${CORPUS}complex_multi_key_event_pattern.json`, 'utf8')),
    event: JSON.parse(readFileSync(`${CORPUS}complex_multi_key_event.json`, 'utf8')),
    expected: 'match',
  });
  return cases;
};

const answer = (pattern: unknown, event: unknown): Answer => {
  try {
    return compileEventPattern(pattern)(event) ? 'match' : 'no match';
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return 'invalid';
    return `error: ${String(error)}`;
  }
};

const present = existsSync(CORPUS);

describe('EventBridge pattern conformance corpus', () => {
  if (!present) {
    if (process.env.CI) {
      it('needs the corpus in CI', () => {
        throw new Error(`conformance corpus not found at ${CORPUS}; CI must provide ../shared`);
      });
    } else {
      it.skip(`skipped: conformance corpus not found at ${CORPUS} (required when CI is set)`, () => {});
    }
    return;
  }

  const cases = loadCases();

  it(`gives the recorded answer on all ${EXPECTED_CASES} cases`, () => {
    const wrong = cases
      .map((entry) => ({
        name: entry.name,
        expected: entry.expected,
        got: answer(entry.pattern, entry.event),
      }))
      .filter(({ expected, got }) => expected !== got);
    const passed = cases.length - wrong.length;
    console.info(`EventBridge pattern conformance: ${passed}/${cases.length}`);
    expect(wrong).toEqual([]);
    expect(cases.length).toBe(EXPECTED_CASES);
  });

  it.each(cases.map((entry) => [entry.name, entry] as const))('%s', (_, entry) => {
    expect(answer(entry.pattern, entry.event)).toBe(entry.expected);
    if (entry.expected === 'invalid') {
      expect(() => validateEventPattern(entry.pattern)).toThrow(/^Event pattern is not valid\. Reason: \S/);
    } else {
      expect(() => validateEventPattern(entry.pattern)).not.toThrow();
    }
  });

  it('keeps the last of duplicate keys, as the recorded answer requires', () => {
    const folded = JSON.parse(readFileSync(`${CORPUS}complex_multi_key_event_pattern.json`, 'utf8'));
    expect(folded).toEqual({ detail: { location: [{ 'anything-but': 'us-east' }] } });
  });
});
