import type { Command } from 'commander';
import { RemoteError } from './cli-error.ts';
import { columns, excerpt, print } from './output.ts';
import { bodyOf, fetchStack, jsonOption, problemDetail, urlOption } from './target.ts';

/** `reelhire alarms`: each alarm of the running local stack, its state and whether its topic was notified. */

interface AlarmView {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly notification: 'none' | 'delivered' | 'refused';
  readonly reason: string;
  readonly updatedAt: string;
}

interface AlarmsOptions {
  readonly url: string;
  readonly json?: boolean;
}

const alarms = async (options: AlarmsOptions): Promise<void> => {
  const url = `${options.url}/_local/alarms`;
  const response = await fetchStack(url);
  const body = await bodyOf(response);
  if (!response.ok || !Array.isArray(body))
    throw new RemoteError(`GET ${url} answered ${response.status}: ${problemDetail(body)}`);
  const list = body as AlarmView[];
  print(options, {
    json: () => list.map(({ name, state, notification }) => ({ name, state, notification })),
    human: () =>
      columns([
        ['ALARM', 'STATE', 'NOTIFICATION', 'WHY'],
        ...list.map((alarm) => [alarm.name, alarm.state, alarm.notification, excerpt(alarm.reason, 100)]),
      ]),
  });
};

export const registerAlarms = (program: Command): void => {
  program
    .command('alarms')
    .summary('show the alarms of the running stack')
    .description(
      "Shows each CloudWatch alarm of the running local stack, evaluated from the functions' and queues' " +
        'metrics: its state (OK, ALARM, INSUFFICIENT_DATA) and whether the notification of its latest change ' +
        'reached its topic (delivered), was refused by the topic or key policy (refused), or had none to send.',
    )
    .addOption(urlOption())
    .addOption(jsonOption())
    .action((options: AlarmsOptions) => alarms(options));
};
