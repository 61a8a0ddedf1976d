// The console's Applications table: the most recently changed applications and their history.

import { $, element, replaceRows, timeOf } from './dom.js';

const historyLine = (entry) =>
  `${timeOf(entry.at)} ${entry.status} by ${entry.by}${entry.note ? `: ${entry.note}` : ''}`;

export const renderApplications = (applications = []) => {
  const rows = applications.map((application) =>
    element(
      'tr',
      { attributes: { 'data-application-id': application.applicationId } },
      element('td', {
        className: 'time',
        text: timeOf(application.updatedAt),
        attributes: { title: application.updatedAt },
      }),
      element('td', { text: application.applicationId }),
      element('td', { text: `${application.jobId} (${application.jobTitle})` }),
      element('td', {
        text: application.applicant?.handle
          ? `@${application.applicant.handle}`
          : application.applicant?.profileId,
        attributes: { title: application.applicant?.profileId ?? '' },
      }),
      element('td', { text: application.status, className: `status-${application.status}` }),
      element(
        'td',
        {},
        element(
          'details',
          {},
          element('summary', {
            text: `${application.history.length} change${application.history.length === 1 ? '' : 's'}`,
          }),
          element(
            'ol',
            {},
            ...application.history.map((entry) => element('li', { text: historyLine(entry) })),
          ),
        ),
      ),
    ),
  );
  replaceRows($('#applications tbody'), rows);
  $('#applications-empty').hidden = rows.length > 0;
};
