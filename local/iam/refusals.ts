/** One refusal: a call a local endpoint answered with AccessDenied, or a service-to-service delivery IAM refused. */
export interface IamRefusal {
  readonly at: string;
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  /** AWS's message for it (`User: … is not authorized to perform: … on resource: … because …`). */
  readonly reason: string;
  /** For a delivery: what was not delivered and what became of it (`rule … → queue …: dead-lettered`). */
  readonly delivery?: string;
}

/**
 * Every refusal of the running stack (CONTRACT §9): printed at once as one line naming the principal, the
 * action and the resource, counted, and kept (the most recent ones) for the console and the tests.
 */
export class IamRefusals {
  private readonly recent: IamRefusal[] = [];
  private total = 0;

  constructor(
    private readonly print: (line: string) => void,
    private readonly limit = 200,
  ) {}

  get count(): number {
    return this.total;
  }

  record(refusal: Omit<IamRefusal, 'at'>): void {
    this.total += 1;
    this.recent.push({ at: new Date().toISOString(), ...refusal });
    if (this.recent.length > this.limit) this.recent.shift();
    this.print(`[iam] refused${refusal.delivery ? ` ${refusal.delivery}` : ''}: ${refusal.reason}`);
  }

  list(): readonly IamRefusal[] {
    return [...this.recent];
  }
}
