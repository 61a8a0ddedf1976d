import { THROTTLE_CLASSES, type ThrottleClass } from './front-door.ts';
import { FUNCTIONS, type FunctionName } from './functions.ts';
import { EVENT_ROUTES, HTTP_ROUTES, SCHEDULES } from './routing.ts';

/**
 * The architecture diagram (docs/architecture.svg), drawn from lib/functions.ts, lib/routing.ts and
 * lib/front-door.ts alone so that it cannot drift from what the stack deploys: the front door's routes by throttle
 * class on the left, the functions in the middle, what the bus and the schedules deliver to them on the right, the
 * table and the bus below. `npm run docs:diagram`
 * writes it; test/docs/diagrams.test.ts fails when the committed file is stale.
 */

const WIDTH = 1140;
const COLUMN = { routes: 20, functions: 440, triggers: 800 } as const;
const BOX_WIDTH = { routes: 340, functions: 250, triggers: 320 } as const;
const ROUTE_HEIGHT = 22;
const FUNCTION_HEIGHT = 40;
const TRIGGER_HEIGHT = 40;
const GAP = 8;
const TOP = 100;

const CLASS_COLOURS: Readonly<Record<ThrottleClass, string>> = {
  webhooks: '#fde2c8',
  publicReads: '#d7ecd9',
  viewer: '#dbe7f7',
  employer: '#eadcf3',
};

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const text = (x: number, y: number, content: string, attributes = ''): string =>
  `<text x="${x}" y="${y}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;

const box = (x: number, y: number, width: number, height: number, fill: string): string =>
  `<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="4" fill="${fill}" stroke="#555"/>`;

const edge = (x1: number, y1: number, x2: number, y2: number): string => {
  const middle = (x1 + x2) / 2;
  return `<path d="M${x1} ${y1} C${middle} ${y1}, ${middle} ${y2}, ${x2} ${y2}" fill="none" stroke="#777" marker-end="url(#arrow)"/>`;
};

interface Trigger {
  readonly title: string;
  readonly detail: string;
  readonly function: FunctionName;
}

const triggers = (): Trigger[] => [
  ...EVENT_ROUTES.map((route) => ({
    title: `rule ${route.id} → queue`,
    detail: `${route.detailTypes.join(', ')} · batch ${route.queue.batchSize}, ≤ ${route.queue.maximumConcurrency} at once`,
    function: route.function,
  })),
  ...SCHEDULES.map((schedule) => ({
    title: `schedule ${schedule.id}`,
    detail: schedule.expression,
    function: schedule.function,
  })),
];

/** Truncates a line that would overflow its box (the full text stays in the element's title). */
const ellipsize = (line: string, width: number): string => {
  const characters = Math.floor(width / 6.2);
  return line.length <= characters ? line : `${line.slice(0, characters - 1)}…`;
};

export const renderArchitectureSvg = (): string => {
  const functionNames = Object.keys(FUNCTIONS) as FunctionName[];
  const routes = [...HTTP_ROUTES].sort(
    (a, b) => functionNames.indexOf(a.function) - functionNames.indexOf(b.function),
  );
  const allTriggers = triggers().sort(
    (a, b) => functionNames.indexOf(a.function) - functionNames.indexOf(b.function),
  );

  const routesHeight = routes.length * (ROUTE_HEIGHT + GAP);
  const functionsHeight = functionNames.length * (FUNCTION_HEIGHT + GAP);
  const triggersHeight = allTriggers.length * (TRIGGER_HEIGHT + GAP);
  const columnsHeight = Math.max(routesHeight, functionsHeight, triggersHeight);
  const storeTop = TOP + columnsHeight + 30;
  const height = storeTop + 110;

  const functionY = new Map<FunctionName, number>();
  const functionStep = columnsHeight / functionNames.length;
  functionNames.forEach((name, index) => {
    functionY.set(name, TOP + index * functionStep + (functionStep - FUNCTION_HEIGHT) / 2);
  });
  const centreOf = (name: FunctionName): number => (functionY.get(name) ?? TOP) + FUNCTION_HEIGHT / 2;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    '<title>ReelHire architecture: routes, functions, rules and schedules from lib/functions.ts and lib/routing.ts</title>',
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#777"/></marker></defs>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    text(
      20,
      28,
      'ReelHire — generated from lib/functions.ts and lib/routing.ts (npm run docs:diagram)',
      'font-size="16" font-weight="bold"',
    ),
    text(COLUMN.routes, 80, 'CloudFront → API Gateway routes (throttle class)', 'font-weight="bold"'),
    text(COLUMN.functions, 80, 'Lambda functions (memory, reserved concurrency)', 'font-weight="bold"'),
    text(COLUMN.triggers, 80, 'EventBridge rules → SQS, and schedules', 'font-weight="bold"'),
  ];

  let legendX = 20;
  for (const [name, throttle] of Object.entries(THROTTLE_CLASSES)) {
    parts.push(box(legendX, 38, 12, 12, CLASS_COLOURS[name as ThrottleClass]));
    parts.push(text(legendX + 16, 48, `${name} ${throttle.rateLimit}/s`));
    legendX += 150;
  }

  routes.forEach((route, index) => {
    const y = TOP + index * (ROUTE_HEIGHT + GAP);
    parts.push(box(COLUMN.routes, y, BOX_WIDTH.routes, ROUTE_HEIGHT, CLASS_COLOURS[route.throttle]));
    parts.push(text(COLUMN.routes + 6, y + 15, ellipsize(route.routeKey, BOX_WIDTH.routes - 12)));
    parts.push(
      edge(
        COLUMN.routes + BOX_WIDTH.routes,
        y + ROUTE_HEIGHT / 2,
        COLUMN.functions,
        centreOf(route.function),
      ),
    );
  });

  for (const name of functionNames) {
    const spec = FUNCTIONS[name];
    const y = functionY.get(name) ?? TOP;
    const access = [
      `table ${spec.table}`,
      spec.publishes ? 'publishes' : '',
      spec.secrets.length > 0 ? 'secrets' : '',
    ]
      .filter(Boolean)
      .join(' · ');
    parts.push(box(COLUMN.functions, y, BOX_WIDTH.functions, FUNCTION_HEIGHT, '#fff6c8'));
    parts.push(
      text(
        COLUMN.functions + 6,
        y + 16,
        `${name} (${spec.memoryMb} MB, ${spec.reservedConcurrency})`,
        'font-weight="bold"',
      ),
    );
    parts.push(text(COLUMN.functions + 6, y + 31, ellipsize(access, BOX_WIDTH.functions - 12)));
  }

  allTriggers.forEach((trigger, index) => {
    const y = TOP + index * (TRIGGER_HEIGHT + GAP);
    parts.push(box(COLUMN.triggers, y, BOX_WIDTH.triggers, TRIGGER_HEIGHT, '#e8e8e8'));
    parts.push(
      text(
        COLUMN.triggers + 6,
        y + 16,
        ellipsize(trigger.title, BOX_WIDTH.triggers - 12),
        'font-weight="bold"',
      ),
    );
    parts.push(text(COLUMN.triggers + 6, y + 31, ellipsize(trigger.detail, BOX_WIDTH.triggers - 12)));
    parts.push(
      edge(
        COLUMN.triggers,
        y + TRIGGER_HEIGHT / 2,
        COLUMN.functions + BOX_WIDTH.functions,
        centreOf(trigger.function),
      ),
    );
  });

  const readers = functionNames.filter((name) => FUNCTIONS[name].table === 'read');
  const writers = functionNames.flatMap((name) =>
    FUNCTIONS[name].table === 'readWrite'
      ? [name]
      : FUNCTIONS[name].table === 'funnelRollups'
        ? [`${name} (its rollups)`]
        : [],
  );
  const publishers = functionNames.filter((name) => FUNCTIONS[name].publishes);
  parts.push(box(COLUMN.functions - 140, storeTop, 380, 70, '#d9f0f5'));
  parts.push(
    text(
      COLUMN.functions - 130,
      storeTop + 18,
      'DynamoDB: one table (docs/data-model.md)',
      'font-weight="bold"',
    ),
  );
  parts.push(text(COLUMN.functions - 130, storeTop + 36, ellipsize(`writes: ${writers.join(', ')}`, 360)));
  parts.push(
    text(COLUMN.functions - 130, storeTop + 54, ellipsize(`reads only: ${readers.join(', ') || '—'}`, 360)),
  );
  parts.push(box(COLUMN.triggers, storeTop, BOX_WIDTH.triggers, 70, '#e8e8e8'));
  parts.push(text(COLUMN.triggers + 10, storeTop + 18, 'EventBridge bus reelhire', 'font-weight="bold"'));
  parts.push(
    text(
      COLUMN.triggers + 10,
      storeTop + 36,
      ellipsize(`published to by: ${publishers.join(', ')}`, BOX_WIDTH.triggers - 20),
    ),
  );
  parts.push(text(COLUMN.triggers + 10, storeTop + 54, 'its rules are the column above'));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
};
