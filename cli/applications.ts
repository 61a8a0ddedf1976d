import type { Command } from 'commander';
import { employerView } from '#applications/application.ts';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { columns, print } from './output.ts';
import { withStackTable } from './stack-table.ts';
import { jsonOption, regionOption, urlOption } from './target.ts';

/**
 * `reelhire applications <jobId>`: a job's applications with their status and history, as the employer sees
 * them, read from the stack's table (the local stack's, or a deployed one's with --region): what an operator
 * looks at when an employer asks what happened.
 */

interface ApplicationsOptions {
  readonly url: string;
  readonly region?: string;
  readonly stage: string;
  readonly json?: boolean;
}

type Shown = ReturnType<typeof employerView>;

const PAGE = 100;

const humanLines = (jobId: string, applications: readonly Shown[]): string[] => [
  `job ${jobId}: ${applications.length} application${applications.length === 1 ? '' : 's'}`,
  ...applications.flatMap((application) => [
    ...columns([
      [
        `  ${application.applicationId}`,
        `${application.applicant.displayName} (@${application.applicant.handle}, ${application.applicant.profileId})`,
        application.status,
      ],
    ]),
    ...application.history.map(
      (entry) => `      ${entry.at}  ${entry.status} by ${entry.by}${entry.note ? `: ${entry.note}` : ''}`,
    ),
  ]),
];

const listApplications = (jobId: string, options: ApplicationsOptions): Promise<void> =>
  withStackTable(options, async ({ documents, tableName }) => {
    const store = new DynamoApplications(documents, tableName);
    const applications: Shown[] = [];
    let after: string | undefined;
    do {
      const page = await store.jobPage(jobId, PAGE, after);
      applications.push(...page.applications.map(employerView));
      after = page.nextProfileId;
    } while (after !== undefined);
    applications.sort((a, b) => (a.submittedAt < b.submittedAt ? 1 : a.submittedAt > b.submittedAt ? -1 : 0));
    print(options, { json: () => applications, human: () => humanLines(jobId, applications) });
  });

export const registerApplications = (program: Command): void => {
  program
    .command('applications')
    .summary("list a job's applications with their history")
    .description(
      "Lists a job's applications, newest first, with each status change (who, when, the note), as the employer " +
        'sees them; read from the local stack (or a deployed one with --region).',
    )
    .argument('<jobId>')
    .addOption(urlOption())
    .addOption(regionOption('the table'))
    .option('--stage <stage>', "the stack's stage", 'dev')
    .addOption(jsonOption())
    .action((jobId: string, options: ApplicationsOptions) => listApplications(jobId, options));
};
