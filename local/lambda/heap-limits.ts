import type { ResourceLimits } from 'node:worker_threads';

/**
 * The V8 heap an execution environment of `memoryMb` gets, split as Lambda's Node.js runtime splits it when it
 * starts `node`: a tenth of the memory for the young generation, whose two semi-spaces take half of it each
 * (`--max-semi-space-size`), and the rest for the old generation (`--max-old-space-size`). A worker thread's limit
 * is the young generation's whole size, which V8 counts as three semi-spaces (the two, and the new large-object
 * space of one semi-space's size). Left to V8, a worker given only its old generation gets V8's default young
 * generation (48 MB: semi-spaces of 16) whatever its memory: a 512 MB function's environments collected their young
 * generation more often than Lambda's (semi-spaces of 25), which cost the pipeline ~10 % of its CPU an event here
 * (bench/pipeline.ts: 2.67–2.80 ms → 2.36–2.38 ms, 2026-12-04), and a 128 MB one could hold more than its memory.
 */
export const lambdaHeapLimits = (memoryMb: number): ResourceLimits => {
  const youngMb = Math.floor(memoryMb / 10);
  const semiSpaceMb = Math.floor(youngMb / 2);
  return {
    maxOldGenerationSizeMb: memoryMb - youngMb,
    maxYoungGenerationSizeMb: 3 * semiSpaceMb,
  };
};
