import { defineConfig } from "drizzle-kit";

// Migrations are generated into migrations/ as flat NNNN_name.sql files, which both
// `wrangler d1 migrations apply DB` and the test setup (readD1Migrations) apply.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
