import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -- --name <what>` writes a new SQL migration after src/store/schema.ts
// changes; the app applies them at start-up (src/store/migrate.ts). Generating needs no database.
// drizzle-kit qualifies foreign keys as `REFERENCES "public"."table"`; strip the `"public".` from
// new files so the tables follow the connection's search_path (src/store/migrations.test.ts checks).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './src/store/migrations',
});
