/**
 * The exit codes scripts can rely on: 0 done, 1 the remote side failed (the stack, AWS, the network),
 * 2 the command itself is wrong (unknown name, bad option, unreadable file).
 */
export const EXIT_OK = 0;
export const EXIT_REMOTE = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line or its input: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The stack, AWS or the network said no or could not be reached: exit 1. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

/** The one line an error is reported with, and the exit code it maps to. */
export const describeFailure = (error: unknown): { readonly line: string; readonly exitCode: number } => {
  if (error instanceof UsageError) return { line: error.message, exitCode: EXIT_USAGE };
  if (error instanceof RemoteError) return { line: error.message, exitCode: EXIT_REMOTE };
  if (error instanceof Error) {
    // fetch hides the reason (ECONNREFUSED, …) in its cause; AWS SDK errors carry their code as the name.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const name = error.name === 'Error' || error.name === 'TypeError' ? '' : `${error.name}: `;
    return { line: `${name}${error.message}${cause}`.replace(/\s*\n\s*/g, ' '), exitCode: EXIT_REMOTE };
  }
  return { line: String(error), exitCode: EXIT_REMOTE };
};
