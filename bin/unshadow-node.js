// npm's postinstall. The `node` devDependency (Node 22, which Stryker needs: `npm run test:mutation` runs it as
// node_modules/node/bin/node) also links node_modules/.bin/node, and npm puts node_modules/.bin first on the PATH
// of every script: `npm test`, `npm start` and every bin's `#!/usr/bin/env node` would run on Node 22 instead of
// the machine's Node 20. Removing the link keeps Node 22 where it is asked for by path, and nowhere else.
import { rmSync } from 'node:fs';

for (const name of ['node', 'node.cmd', 'node.ps1'])
  rmSync(new URL(`../node_modules/.bin/${name}`, import.meta.url), { force: true });
