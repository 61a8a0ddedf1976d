#!/usr/bin/env node
// The `reelhire` command (package.json "bin"): runs the TypeScript CLI through tsx's ESM loader, so that
// `npx reelhire …` works in the project without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
