// The local console's main script: polls GET /_local/activity (bus events, invocations, dead-letter queues and
// the latest applications) and renders it. Everything shown comes from outside (webhooks, events), so it is
// written with textContent (dom.js), never parsed as HTML.

import { renderApplications } from './applications.js';
import { $, element, replaceRows, timeOf } from './dom.js';
import { videoTapsLine } from './funnel.js';

const POLL_MS = 1000;
const MAX_EVENT_ROWS = 200;

/** `ReelHire-dev-Stateless-VideoEventsFunction` → `VideoEvents`; the full name stays in the title. */
const shortName = (name) =>
  String(name)
    .replace(/^ReelHire-[^-]+-(Stateful|Stateless)-/, '')
    .replace(/(Function|DeadLetterQueue)$/, '');

const excerpt = (value, max = 140) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
};

const collapsible = (value) =>
  element(
    'details',
    {},
    element('summary', { text: excerpt(value) }),
    element('pre', { text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }),
  );

// Bus events: rows are added, never redrawn, so an expanded detail stays open while new events arrive.
const renderedEvents = new Set();

const renderEvents = (records) => {
  const body = $('#events tbody');
  const fresh = records.filter(
    (record) => record.kind === 'bus-event' && !renderedEvents.has(record.event.id),
  );
  for (const record of fresh) {
    renderedEvents.add(record.event.id);
    const { event } = record;
    const rules = record.matchedRules.length > 0 ? record.matchedRules.join(', ') : 'none';
    const row = element(
      'tr',
      { attributes: { 'data-event-id': event.id } },
      element('td', { className: 'time', text: timeOf(record.at), attributes: { title: record.at } }),
      element('td', { text: event['detail-type'] }),
      element('td', { text: event.source }),
      element('td', { text: rules, className: record.matchedRules.length > 0 ? '' : 'muted' }),
      element('td', {}, collapsible(event.detail)),
    );
    body.prepend(row);
  }
  while (body.rows.length > MAX_EVENT_ROWS) body.deleteRow(-1);
  $('#events-empty').hidden = body.rows.length > 0;
};

const renderFunctions = (records) => {
  const byName = new Map();
  for (const record of records) {
    if (record.kind !== 'invocation' || record.trigger === 'warm-up') continue;
    const stats = byName.get(record.functionName) ?? {
      invocations: 0,
      errors: 0,
      last: undefined,
      lastError: undefined,
    };
    stats.invocations += 1;
    stats.last = record;
    if (record.outcome !== 'succeeded') {
      stats.errors += 1;
      stats.lastError = record;
    }
    byName.set(record.functionName, stats);
  }
  const rows = [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, stats]) =>
      element(
        'tr',
        {},
        element('th', { text: shortName(name), attributes: { scope: 'row', title: name } }),
        element('td', { className: 'number', text: String(stats.invocations) }),
        element('td', { className: `number ${stats.errors > 0 ? 'bad' : ''}`, text: String(stats.errors) }),
        element('td', {
          className: 'time',
          text: `${timeOf(stats.last.at)} (${stats.last.trigger}, ${stats.last.durationMs} ms)`,
        }),
        element('td', {
          className: stats.lastError ? 'bad' : '',
          text: stats.lastError
            ? `${timeOf(stats.lastError.at)} ${stats.lastError.outcome}: ${stats.lastError.error ?? ''}`
            : '—',
        }),
      ),
    );
  replaceRows($('#functions tbody'), rows);
  $('#functions-empty').hidden = rows.length > 0;
};

/** A log line as a person reads it: level and message of a Powertools line, the rest of it after. */
const readableLine = (line) => {
  try {
    const { level, message, timestamp, ...rest } = JSON.parse(line);
    if (level === undefined) return line;
    return `${level} ${message ?? ''} ${JSON.stringify(rest)}`;
  } catch {
    return line;
  }
};

/** The lines an invocation wrote, fetched when its logs are opened (they are all in once it has finished). */
const logsOf = (record) => {
  const pre = element('pre', { text: 'Loading…' });
  const details = element(
    'details',
    { attributes: { 'aria-label': `Logs of ${shortName(record.functionName)} ${record.requestId}` } },
    element('summary', { text: 'logs' }),
    pre,
  );
  details.addEventListener('toggle', async () => {
    if (!details.open) return;
    try {
      const response = await fetch(`/_local/logs?requestId=${encodeURIComponent(record.requestId)}`, {
        cache: 'no-store',
      });
      const body = await response.json();
      pre.textContent =
        body.lines.length > 0 ? body.lines.map((entry) => readableLine(entry.line)).join('\n') : '(no lines)';
    } catch (error) {
      pre.textContent = `Could not read the logs: ${error.message}`;
    }
  });
  return details;
};

// Invocations: rows are added, never redrawn, so that opened logs stay open.
const renderedInvocations = new Set();

const renderInvocations = (records) => {
  const body = $('#invocations tbody');
  const fresh = records.filter(
    (record) =>
      record.kind === 'invocation' &&
      record.trigger !== 'warm-up' &&
      !renderedInvocations.has(record.requestId),
  );
  for (const record of fresh) {
    renderedInvocations.add(record.requestId);
    body.prepend(
      element(
        'tr',
        { attributes: { 'data-request-id': record.requestId } },
        element('td', { className: 'time', text: timeOf(record.at), attributes: { title: record.at } }),
        element('td', { text: shortName(record.functionName), attributes: { title: record.functionName } }),
        element('td', { text: record.trigger }),
        element('td', {
          className: record.outcome === 'succeeded' ? '' : 'bad',
          text: `${record.outcome} (${record.durationMs} ms)${record.error ? `: ${record.error}` : ''}`,
        }),
        element('td', {}, logsOf(record)),
      ),
    );
  }
  while (body.rows.length > MAX_EVENT_ROWS) body.deleteRow(-1);
  $('#invocations-empty').hidden = body.rows.length > 0;
};

const attribute = (message, name) => message.messageAttributes?.[name]?.StringValue;

const reasonOf = (message) =>
  attribute(message, 'reason') ??
  (attribute(message, 'ERROR_MESSAGE')
    ? `${attribute(message, 'ERROR_CODE') ?? 'error'}: ${attribute(message, 'ERROR_MESSAGE')}`
    : undefined) ??
  attribute(message, 'ErrorMessage') ??
  '(no reason recorded)';

const renderDeadLetters = (queues, records) => {
  $('#dlqs').replaceChildren(
    ...queues.map((queue) => {
      const count = queue.messages.length;
      return element(
        'article',
        { className: 'queue', attributes: { 'aria-label': `${shortName(queue.name)} dead-letter queue` } },
        element('h3', {
          text: `${shortName(queue.name)}: ${count} message${count === 1 ? '' : 's'}`,
          className: count > 0 ? 'bad' : '',
          attributes: { title: queue.name },
        }),
        count === 0
          ? undefined
          : element(
              'ul',
              {},
              ...queue.messages.map((message) =>
                element(
                  'li',
                  {},
                  element('strong', { text: 'Reason: ' }),
                  element('span', { text: reasonOf(message), className: 'reason' }),
                  collapsible(message.body),
                ),
              ),
            ),
      );
    }),
  );
  const failures = records.filter((record) => record.kind === 'delivery-failure').reverse();
  $('#failures').replaceChildren(
    ...failures.map((failure) =>
      element('li', {
        text: `${timeOf(failure.at)} ${shortName(failure.source)} → ${shortName(failure.target)}: ${failure.error}${
          failure.deadLetterQueue
            ? ` (dead-lettered to ${shortName(failure.deadLetterQueue.split(':').at(-1))})`
            : ' (dropped)'
        }`,
      }),
    ),
  );
  $('#failures-empty').hidden = failures.length > 0;
};

const renderAlarms = (alarms) => {
  const rows = alarms.map((alarm) =>
    element(
      'tr',
      { attributes: { 'data-alarm': alarm.name } },
      element('td', { text: alarm.name, attributes: { title: alarm.description ?? '' } }),
      element('td', { text: alarm.state, className: alarm.state === 'ALARM' ? 'bad' : '' }),
      element('td', { text: alarm.notification, className: alarm.notification === 'refused' ? 'bad' : '' }),
      element('td', {}, collapsible(alarm.reason)),
    ),
  );
  replaceRows($('#alarms tbody'), rows);
  $('#alarms-empty').hidden = rows.length > 0;
};

const renderRefusals = ({ count, recent }) => {
  const items = [...recent]
    .reverse()
    .map((refusal) =>
      element(
        'li',
        {},
        element('span', { className: 'time', text: timeOf(refusal.at) }),
        ` ${refusal.delivery ? `${refusal.delivery}: ` : ''}`,
        collapsible(refusal.reason),
      ),
    );
  $('#refusals').replaceChildren(...items);
  $('#refusals-empty').hidden = count > 0;
  $('#refusals-empty').textContent = 'None.';
};

/** Alarms and refusals change slower than the activity: read them on the same poll, drawn when they change. */
let lastAlarms = '';
const pollAlarms = async () => {
  const [alarms, refusals] = await Promise.all(
    ['/_local/alarms', '/_local/iam'].map((path) =>
      fetch(path, { cache: 'no-store' }).then((response) => response.text()),
    ),
  );
  if (alarms + refusals === lastAlarms) return;
  lastAlarms = alarms + refusals;
  renderAlarms(JSON.parse(alarms));
  renderRefusals(JSON.parse(refusals));
};

let paused = false;
let connected;
let lastSnapshot = '';

const setConnection = (isConnected, text) => {
  // Announced (role=status) only when it changes, not on every poll.
  if (connected === isConnected) return;
  connected = isConnected;
  $('#connection').textContent = text;
  $('#connection').className = isConnected ? 'good' : 'bad';
};

const poll = async () => {
  try {
    const response = await fetch('/_local/activity', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    setConnection(true, 'Live');
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
    await pollAlarms();
    if (text === lastSnapshot) return;
    lastSnapshot = text;
    const activity = JSON.parse(text);
    renderEvents(activity.records);
    renderFunctions(activity.records);
    renderInvocations(activity.records);
    renderDeadLetters(activity.deadLetterQueues, activity.records);
    renderApplications(activity.applications);
  } catch (error) {
    setConnection(false, `The local stack does not answer (${error.message}); retrying…`);
  }
};

const loop = async () => {
  if (!paused && !document.hidden) await poll();
  setTimeout(loop, POLL_MS);
};

$('#pause').addEventListener('click', (event) => {
  paused = !paused;
  event.currentTarget.setAttribute('aria-pressed', String(paused));
  event.currentTarget.textContent = paused ? 'Resume live updates' : 'Pause live updates';
});

const linkItem = (label, link, owner) => [
  element('dt', { text: label }),
  element(
    'dd',
    {},
    ...(link
      ? [
          element('a', { text: link.url, attributes: { href: link.url, rel: 'noreferrer' } }),
          ` (${owner(link)})`,
        ]
      : ['none']),
  ),
];

$('#links-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const platform = $('#links-platform').value;
  const videoId = $('#links-video').value.trim();
  const result = $('#links-result');
  if (videoId === '') return;
  result.textContent = 'Looking up…';
  try {
    const response = await fetch(`/links/${encodeURIComponent(platform)}/${encodeURIComponent(videoId)}`, {
      cache: 'no-store',
    });
    if (response.status === 404) {
      result.replaceChildren(element('p', { text: `No active link on ${platform} video ${videoId}.` }));
      return;
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
    result.replaceChildren(
      element(
        'dl',
        { attributes: { 'aria-label': `Links of ${platform} video ${videoId}` } },
        ...linkItem('View My Portfolio', body.portfolio, (link) => `profile ${link.profileId}`),
        ...linkItem('Apply', body.apply, (link) => `job ${link.jobId}`),
      ),
      await videoTapsLine(platform, videoId),
    );
  } catch (error) {
    result.replaceChildren(element('p', { className: 'bad', text: `Lookup failed: ${error.message}` }));
  }
});

void loop();
