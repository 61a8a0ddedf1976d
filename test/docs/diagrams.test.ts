import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boundOf, renderBenchChart } from '../../bench/chart.ts';
import { renderArchitectureSvg } from '../../lib/architecture-diagram.ts';
import { FUNCTIONS } from '../../lib/functions.ts';
import { EVENT_ROUTES, HTTP_ROUTES, SCHEDULES } from '../../lib/routing.ts';

const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('the architecture diagram', () => {
  const svg = renderArchitectureSvg();

  it('is committed as generated (npm run docs:diagram)', () => {
    const committed = readFileSync(new URL('../../docs/architecture.svg', import.meta.url), 'utf8');
    expect(committed, 'docs/architecture.svg is stale: run npm run docs:diagram').toBe(svg);
  });

  it('draws every function, HTTP route, event route and schedule of lib/functions.ts and lib/routing.ts', () => {
    for (const name of Object.keys(FUNCTIONS)) expect(svg).toContain(`>${name} (`);
    for (const route of HTTP_ROUTES) expect(svg).toContain(`>${escaped(route.routeKey)}<`);
    for (const route of EVENT_ROUTES) expect(svg).toContain(`rule ${route.id} → queue`);
    for (const schedule of SCHEDULES) expect(svg).toContain(`schedule ${schedule.id}`);
    // One arrow per route and per trigger, into its function.
    const arrows = svg.match(/marker-end="url\(#arrow\)"/g) ?? [];
    expect(arrows).toHaveLength(HTTP_ROUTES.length + EVENT_ROUTES.length + SCHEDULES.length);
  });
});

describe('the bench chart', () => {
  it('reads numeric targets only', () => {
    expect(boundOf('≤ 0.5')).toBe(0.5);
    expect(boundOf('≥ 0.6')).toBe(0.6);
    expect(boundOf('≤ 20 ms')).toBe(20);
    expect(boundOf('—')).toBeUndefined();
    expect(boundOf('≤ 0')).toBeUndefined();
  });

  it('draws one bar per figure with a numeric target, green when met, red when not, the target at the middle', () => {
    const svg = renderBenchChart(
      [
        { name: 'pipeline.ratio', value: 0.8, target: '≥ 0.6', met: true },
        { name: 'ingest p99', value: 40, target: '≤ 20 ms', met: false },
        { name: 'context only', value: 3, target: '—', met: undefined },
      ],
      'caption',
    );
    const bars = [
      ...svg.matchAll(/<rect x="(\d+)" y="\d+" width="([\d.]+)" height="\d+" fill="(#[0-9a-f]+)"\/>/g),
    ];
    expect(bars.map((bar) => bar[3])).toEqual(['#4caf50', '#e53935']);
    // The target is at half the bar space (180 px): 0.8 / 0.6 of it, and twice the target fills it.
    expect(bars.map((bar) => Number(bar[2]))).toEqual([240, 360]);
    expect(svg).not.toContain('context only');
  });
});
