// npm run db:schema: applies every migration, in order, to an empty in-memory SQLite and writes
// the schema they leave to src/db/schema.sql (see src/db/schema-text.ts).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { SCHEMA_QUERY, type SchemaRow, schemaText } from "../src/db/schema-text.ts";

const root = join(import.meta.dirname, "..");
const migrations = join(root, "migrations");
const db = new DatabaseSync(":memory:");
for (const file of readdirSync(migrations)
  .filter((name) => name.endsWith(".sql"))
  .sort()) {
  db.exec(readFileSync(join(migrations, file), "utf8"));
}
const out = join(root, "src", "db", "schema.sql");
writeFileSync(out, schemaText(db.prepare(SCHEMA_QUERY).all() as SchemaRow[]));
console.log(`wrote ${out}`);
