import { writeFileSync } from 'node:fs';
import { printedSchema } from './graphql/schema.ts';

// `npm run schema -w @gallop/server` rewrites schema.graphql after a change to the API.
writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
