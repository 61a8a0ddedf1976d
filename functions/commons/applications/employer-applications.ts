import { applicationStatus, statusNote } from '#events/fields.ts';
import { type Application, EMPLOYER_STATUSES, type EmployerView, employerView } from './application.ts';
import type { EmployerFilter } from './application-store.ts';
import { type ChangeDependencies, changeStatus } from './change-status.ts';
import { cursorOf, positionOf } from './list-position.ts';

/** What the employer asked for: a status and maybe a note, as found in the body (checked here). */
export interface StatusRequest {
  readonly status: string;
  readonly note?: unknown;
}

export type StatusOutcome =
  | { readonly kind: 'notFound' }
  /** 422: a status the employer may not set, or a note that is not one. */
  | { readonly kind: 'invalid'; readonly detail: string }
  | { readonly kind: 'final' }
  /** The same status as the current one (nothing published), or the changed application. */
  | { readonly kind: 'unchanged' | 'changed'; readonly application: EmployerView };

/**
 * What the employer API does with applications (CONTRACT §6): the employer's own only (another's is "not
 * found"), newest first, filtered by job and status; a status change in the contract's order.
 */
export class EmployerApplications {
  constructor(private readonly deps: ChangeDependencies) {}

  /** Throws InvalidCursorError for a cursor this list did not give. */
  async list(employerId: string, filter: EmployerFilter, limit: number, cursor?: string) {
    const page = await this.deps.store.byEmployer(employerId, filter, limit, positionOf(cursor));
    return { items: page.applications.map(employerView), nextCursor: cursorOf(page.next) };
  }

  async get(employerId: string, applicationId: string): Promise<EmployerView | undefined> {
    const application = await this.own(employerId, applicationId);
    return application && employerView(application);
  }

  async setStatus(employerId: string, applicationId: string, request: StatusRequest): Promise<StatusOutcome> {
    const application = await this.own(employerId, applicationId);
    if (!application) return { kind: 'notFound' };
    const status = applicationStatus.safeParse(request.status);
    const note = statusNote.optional().safeParse(request.note);
    if (status.success && status.data === application.status) {
      return { kind: 'unchanged', application: employerView(application) };
    }
    if (!status.success || !EMPLOYER_STATUSES.includes(status.data)) {
      return { kind: 'invalid', detail: `status must be one of ${EMPLOYER_STATUSES.join(', ')}` };
    }
    if (!note.success)
      return { kind: 'invalid', detail: 'note must be a string of at most 1,000 characters' };
    const decision = await changeStatus(this.deps, application, {
      status: status.data,
      by: 'employer',
      ...(note.data === undefined ? {} : { note: note.data }),
    });
    switch (decision.kind) {
      case 'changed':
      case 'unchanged':
        return { kind: decision.kind, application: employerView(decision.application) };
      case 'final':
        return { kind: 'final' };
      case 'notAllowed':
        return { kind: 'invalid', detail: `status must be one of ${EMPLOYER_STATUSES.join(', ')}` };
    }
  }

  private async own(employerId: string, applicationId: string): Promise<Application | undefined> {
    const application = await this.deps.store.byId(applicationId);
    return application?.employerId === employerId ? application : undefined;
  }
}
