// Placeholder entry so the stack can synthesize while this function is being written; replaced by its owner.
export const handler = async (): Promise<never> => {
  throw new Error('functions/notifier.ts is not implemented yet');
};
