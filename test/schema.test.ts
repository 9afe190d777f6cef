import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SCHEMA_QUERY, type SchemaRow, schemaText } from "../src/db/schema-text";

describe("src/db/schema.sql", () => {
  it("is the schema the migrations leave: the tests' database, migrated, matches it (npm run db:schema writes it)", async () => {
    const { results } = await env.DB.prepare(SCHEMA_QUERY).all<SchemaRow>();
    expect(results.length).toBeGreaterThan(40);
    expect(schemaText(results)).toBe(env.SCHEMA_SQL);
  });

  it("has each trigger named in src/db/schema.ts", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    ).all<{ name: string }>();
    expect(results.length).toBe(16);
    const source = env.SCHEMA_TS;
    for (const { name } of results) expect(source, name).toContain(name);
  });
});
