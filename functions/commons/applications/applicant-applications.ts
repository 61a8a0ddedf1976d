import { type ApplicantView, type Application, applicantView } from './application.ts';
import { type ChangeDependencies, changeStatus } from './change-status.ts';
import { cursorOf, positionOf } from './list-position.ts';

export type WithdrawOutcome =
  | { readonly kind: 'notFound' }
  | { readonly kind: 'final' }
  | { readonly kind: 'withdrawn'; readonly application: ApplicantView };

/**
 * What the applicant API does (CONTRACT §6): only the viewer's own applications exist for them (another's is
 * "not found"), newest first; withdrawing is the applicant's one status.
 */
export class ApplicantApplications {
  constructor(private readonly deps: ChangeDependencies) {}

  /** Throws InvalidCursorError for a cursor this list did not give. */
  async list(profileId: string, limit: number, cursor?: string) {
    const page = await this.deps.store.byApplicant(profileId, limit, positionOf(cursor));
    return { items: page.applications.map(applicantView), nextCursor: cursorOf(page.next) };
  }

  async get(profileId: string, applicationId: string): Promise<ApplicantView | undefined> {
    const application = await this.own(profileId, applicationId);
    return application && applicantView(application);
  }

  /** Withdrawn (or already withdrawn: the same answer, nothing published again); another final status: 409. */
  async withdraw(profileId: string, applicationId: string): Promise<WithdrawOutcome> {
    const application = await this.own(profileId, applicationId);
    if (!application) return { kind: 'notFound' };
    const decision = await changeStatus(this.deps, application, { status: 'withdrawn', by: 'applicant' });
    switch (decision.kind) {
      case 'changed':
      case 'unchanged':
        return { kind: 'withdrawn', application: applicantView(decision.application) };
      case 'final':
      case 'notAllowed':
        return { kind: 'final' };
    }
  }

  private async own(profileId: string, applicationId: string): Promise<Application | undefined> {
    const application = await this.deps.store.byId(applicationId);
    return application?.profileId === profileId ? application : undefined;
  }
}
