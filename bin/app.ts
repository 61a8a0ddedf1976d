import { buildApp } from '../lib/app.ts';
import { ConfigError } from '../lib/config.ts';

// `npx cdk synth` / `deploy` run this (cdk.json). A configuration error is the admin's to fix, not a crash:
// its message alone, and a failing exit code so that the CLI stops.
try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
