import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/store/schema.ts',
  out: './server/drizzle',
});
