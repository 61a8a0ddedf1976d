import { synthesizeCached } from '../lib/synthesize.ts';

// Prints the directory of the dev assembly, synthesizing it only if its sources changed (see lib/synthesize.ts).
// `--templates-only` skips bundling the functions.
process.stdout.write(`${await synthesizeCached({ bundle: !process.argv.includes('--templates-only') })}\n`);
