import { writeFileSync } from 'node:fs';
import { renderArchitectureSvg } from '../lib/architecture-diagram.ts';

// `npm run docs:diagram`: regenerates docs/architecture.svg from lib/routing.ts.
writeFileSync(new URL('../docs/architecture.svg', import.meta.url), renderArchitectureSvg());
console.log('wrote docs/architecture.svg');
