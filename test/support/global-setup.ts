import type { TestProject } from 'vitest/node';
import { synthesizeCached } from '../../lib/synthesize.ts';

// Runs once before the suite. The synthesized stack (templates and bundles) is shared by the template, bundle
// and runtime tests; it is built here once, or reused while its sources are unchanged, so that test files do
// not each pay for a synth.
export default async function setup(project: TestProject): Promise<void> {
  try {
    project.provide('reelhireCdkOut', await synthesizeCached());
  } catch (error) {
    // A function that does not bundle fails the tests that read the stack, with this message; the others run.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`cdk synth failed; tests that read the stack will fail: ${message}`);
    project.provide('reelhireCdkOutError', message);
  }
}
