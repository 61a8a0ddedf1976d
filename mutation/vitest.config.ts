import { defineConfig } from 'vitest/config';
import project from '../vitest.config.ts';

// The project's test settings without its global setup: the modules' own tests need no synthesized stack, and a
// cdk synth before each of Stryker's test runs would cost minutes.
export default defineConfig({ ...project, test: { ...project.test, globalSetup: [] } });
