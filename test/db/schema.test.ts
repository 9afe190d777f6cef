import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SCHEMA_QUERY, type SchemaRow, schemaText } from "../../src/db/schema-text";
import type { StoredImage } from "../../src/products/products.stored";
import { bytesOf, IMAGES } from "../fixtures/images";
import { api, createProduct, tenant } from "../helpers";

/** Each key of the TypeScript type, once (the compiler refuses a missing or an extra one). */
const STORED_IMAGE_KEYS: Record<keyof StoredImage, true> = {
  id: true,
  source_url: true,
  content_type: true,
  size_bytes: true,
  width: true,
  height: true,
  orientation: true,
  sha256: true,
  alt: true,
  position: true,
  created_at: true,
};

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
    expect(results.length).toBe(15);
    const source = env.SCHEMA_TS;
    for (const { name } of results) expect(source, name).toContain(name);
  });

  it("keeps products.images (the product_images_json view's rows) in the shape of the StoredImage type", async () => {
    const { key } = await tenant();
    const product = await createProduct(key, { name: "Image shape" });
    const uploaded = await api(`/v1/products/${product.id}/images`, {
      method: "POST",
      key,
      body: bytesOf(IMAGES.png),
      headers: { "Content-Type": "image/png" },
    });
    expect(uploaded.status).toBe(200);
    const row = await env.DB.prepare("SELECT images FROM products WHERE id = ?")
      .bind(product.id)
      .first<{ images: string }>();
    const images = JSON.parse(row?.images ?? "[]") as Record<string, unknown>[];
    expect(images).toHaveLength(1);
    expect(Object.keys(images[0] ?? {}).sort()).toEqual(Object.keys(STORED_IMAGE_KEYS).sort());
  });
});
