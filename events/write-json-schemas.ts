import { writeFileSync } from 'node:fs';
import { allJsonSchemas } from './json-schemas.ts';

// `npm run events:schemas`: regenerates events/schemas/*.schema.json from the zod schemas.
const directory = new URL('./schemas/', import.meta.url);
for (const { file, content } of allJsonSchemas()) {
  writeFileSync(new URL(file, directory), content);
  console.log(`wrote events/schemas/${file}`);
}
