import { describe, expect, it } from 'vitest';
import { prettyLogLine, wantsColour } from '../../local/logs/pretty-log.ts';

/** Lines as Powertools writes them from the functions (a context-injected line carries the function_* keys). */
const powertoolsLine = JSON.stringify({
  level: 'WARN',
  message: 'event failed, will be retried',
  timestamp: '2026-05-01T12:34:56.789Z',
  service: 'videoEvents',
  sampling_rate: 0,
  xray_trace_id: '1-abc',
  cold_start: true,
  function_name: 'ReelHire-dev-Stateless-VideoEventsFunction',
  function_request_id: 'c0ffee',
  attempt: 2,
  error: {
    name: 'ConditionalCheckFailedException',
    message: 'The conditional request failed',
    location: 'x.ts:1',
  },
});
const emfLine = JSON.stringify({
  _aws: {
    Timestamp: 1,
    CloudWatchMetrics: [
      {
        Namespace: 'ReelHire',
        Dimensions: [['service']],
        Metrics: [{ Name: 'LinksChanged', Unit: 'Count' }],
      },
    ],
  },
  service: 'videoEvents',
  LinksChanged: 3,
});

describe('the pretty log line', () => {
  it('shows the function, the time, the level, the message and the keys of this line, not the routine ones', () => {
    expect(prettyLogLine('videoEvents', powertoolsLine, { colour: false })).toBe(
      '[videoEvents] 12:34:56.789 WARN  event failed, will be retried  attempt=2 ' +
        'error=ConditionalCheckFailedException: The conditional request failed (x.ts:1)',
    );
  });

  it('shows an EMF line as its metrics, and a line that is not JSON as written', () => {
    expect(prettyLogLine('videoEvents', emfLine, { colour: false })).toBe(
      '[videoEvents] metrics LinksChanged=3',
    );
    expect(prettyLogLine('notifier', 'plain {text', { colour: false })).toBe('[notifier] plain {text');
  });

  it('cuts long values and counts the keys it leaves out', () => {
    const many = JSON.stringify({
      level: 'INFO',
      message: 'm',
      long: 'x'.repeat(500),
      ...Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`k${index}`, index])),
    });
    const pretty = prettyLogLine('f', many, { colour: false });
    expect(pretty).toContain(`long=${'x'.repeat(119)}…`);
    expect(pretty).toContain('k6=6 (+2 more)');
    expect(pretty).not.toContain('k7=');
  });

  it('colours only when asked, and asks only for a terminal without NO_COLOR', () => {
    expect(prettyLogLine('videoEvents', powertoolsLine, { colour: true })).toContain(
      '\u001b[33mWARN \u001b[39m',
    );
    expect(prettyLogLine('videoEvents', powertoolsLine, { colour: false })).not.toContain('\u001b[');
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });
});
