import { isJsonObject } from '#shared/json.ts';

/**
 * A function's log line as a person reads it in `npm start`'s output and `reelhire logs`: the function's name,
 * the time, the level and the message of a Powertools JSON line, then the keys that say something about this
 * line (not the ones every line carries). An EMF line shows its metrics; anything else is shown as written.
 */

/** Keys every Powertools line carries, or that the prefix already shows. */
const ROUTINE_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'environment',
]);
const MAX_KEYS = 8;
const MAX_VALUE_CHARS = 120;

export interface PrettyOptions {
  /** ANSI colours: only for a terminal. */
  readonly colour: boolean;
}

type Style = 'red' | 'yellow' | 'green' | 'grey' | 'cyan' | 'magenta' | 'blue' | 'bold';
const CODES: Readonly<Record<Style, readonly [number, number]>> = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  grey: [90, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  blue: [34, 39],
  bold: [1, 22],
};
/** Functions keep one colour each, so that interleaved lines are told apart at a glance. */
const NAME_STYLES: readonly Style[] = ['cyan', 'magenta', 'blue', 'green', 'yellow'];

const LEVEL_STYLES: Readonly<Record<string, Style>> = {
  CRITICAL: 'red',
  ERROR: 'red',
  WARN: 'yellow',
  INFO: 'green',
  DEBUG: 'grey',
  TRACE: 'grey',
};

const styler =
  ({ colour }: PrettyOptions) =>
  (style: Style, text: string): string => {
    if (!colour) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };

const nameStyleOf = (name: string): Style => {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return NAME_STYLES[hash % NAME_STYLES.length] ?? 'cyan';
};

const valueText = (value: unknown): string => {
  if (isJsonObject(value) && typeof value.message === 'string') {
    // Powertools logs an Error as {name, message, stack, location}.
    const name = typeof value.name === 'string' ? `${value.name}: ` : '';
    const location = typeof value.location === 'string' ? ` (${value.location})` : '';
    return `${name}${value.message}${location}`;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_VALUE_CHARS ? `${oneLine.slice(0, MAX_VALUE_CHARS - 1)}…` : oneLine;
};

const clockOf = (timestamp: unknown): string => {
  if (typeof timestamp !== 'string') return '';
  const match = /T(\d{2}:\d{2}:\d{2}(?:\.\d{3})?)/.exec(timestamp);
  return match?.[1] ?? '';
};

/** The metric values of an Embedded Metric Format line, by name. */
const metricsOf = (line: Readonly<Record<string, unknown>>): string[] | undefined => {
  const aws = line._aws;
  if (!isJsonObject(aws) || !Array.isArray(aws.CloudWatchMetrics)) return undefined;
  const names = aws.CloudWatchMetrics.flatMap((directive: unknown) =>
    isJsonObject(directive) && Array.isArray(directive.Metrics)
      ? directive.Metrics.flatMap((metric: unknown) =>
          isJsonObject(metric) && typeof metric.Name === 'string' ? [metric.Name] : [],
        )
      : [],
  );
  return names.map((name) => `${name}=${valueText(line[name])}`);
};

const parsed = (line: string): Readonly<Record<string, unknown>> | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** `[videoEvents] 12:00:01.234 WARN  event failed, will be retried  error=… attempt=2` */
export const prettyLogLine = (functionName: string, line: string, options: PrettyOptions): string => {
  const style = styler(options);
  const prefix = style(nameStyleOf(functionName), `[${functionName}]`);
  const json = parsed(line);
  if (json === undefined) return `${prefix} ${line}`;
  const metrics = metricsOf(json);
  if (metrics !== undefined) return `${prefix} ${style('grey', `metrics ${metrics.join(' ')}`)}`;
  const level = typeof json.level === 'string' ? json.level.toUpperCase() : 'LOG';
  const message = typeof json.message === 'string' ? json.message : '';
  const keys = Object.entries(json).filter(([key]) => !ROUTINE_KEYS.has(key));
  const details = keys
    .slice(0, MAX_KEYS)
    .map(([key, value]) => `${style('grey', `${key}=`)}${valueText(value)}`);
  if (keys.length > MAX_KEYS) details.push(style('grey', `(+${keys.length - MAX_KEYS} more)`));
  return [
    prefix,
    style('grey', clockOf(json.timestamp)),
    style(LEVEL_STYLES[level] ?? 'bold', level.padEnd(5)),
    style('bold', message),
    ...(details.length > 0 ? [` ${details.join(' ')}`] : []),
  ]
    .filter((part) => part !== '')
    .join(' ');
};

/** Colours when writing to a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces them. */
export const wantsColour = (stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean =>
  env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' ? true : !env.NO_COLOR && stream.isTTY === true;
