import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createKey, createProduct, expectError, sharedTenant, tenant } from "../helpers";

/** Scans: `POST /v1/products/{id}/scans` with a key, and the public `GET /s/{id}` redirect. */

type Product = { id: string; version: number; total_scans: number; last_scanned_at: string | null };

const URL_TO = "https://acme.example/espresso?from=qr";
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const main = sharedTenant();

const create = (body: Record<string, unknown> = {}) =>
  createProduct<Product>(main.key, { destination: { url: URL_TO }, ...body });
const read = async (id: string) =>
  (await (await api(`/v1/products/${id}`, { key: main.key })).json()) as Product;
const scan = (id: string, key = main.key) => api(`/v1/products/${id}/scans`, { method: "POST", key });
const follow = (id: string, method = "GET") => api(`/s/${id}`, { method, redirect: "manual" });

describe("POST /v1/products/{id}/scans", () => {
  it("counts a scan and answers the count; the product's version and ETag stay", async () => {
    const product = await create({ status: "inactive" });
    const first = await scan(product.id);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { total_scans: number; last_scanned_at: string };
    expect(body).toEqual({ total_scans: 1, last_scanned_at: expect.stringMatching(TIMESTAMP) });
    expect(await (await scan(product.id)).json()).toMatchObject({ total_scans: 2 });
    const after = await read(product.id);
    expect(after).toMatchObject({
      version: 1,
      total_scans: 2,
      last_scanned_at: expect.stringMatching(TIMESTAMP),
    });
  });

  it("needs product.edit, and another org's product is 404", async () => {
    const product = await create();
    const reader = await createKey([main.orgId], ["product.read"]);
    await expectError(await scan(product.id, reader.key), 403, "forbidden");
    const other = await tenant();
    await expectError(await scan(product.id, other.key), 404, "not_found");
    expect((await read(product.id)).total_scans).toBe(0);
  });

  it("20 concurrent scans count 20", async () => {
    const product = await create();
    const responses = await Promise.all(Array.from({ length: 20 }, () => scan(product.id)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    const counts = await Promise.all(
      responses.map(async (response) => ((await response.json()) as Product).total_scans),
    );
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect((await read(product.id)).total_scans).toBe(20);
  });
});

describe("GET /s/{id}", () => {
  it("redirects an active product to its destination url without a key, counting the scan first", async () => {
    const product = await create();
    const response = await follow(product.id);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(URL_TO);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.text()).toBe("");
    expect(await read(product.id)).toMatchObject({ total_scans: 1, version: 1 });
  });

  it("HEAD answers the same without counting", async () => {
    const product = await create();
    const response = await follow(product.id, "HEAD");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(URL_TO);
    expect((await read(product.id)).total_scans).toBe(0);
  });

  it("is 404, counting nothing, for a product that is not active or has no url, and for unknown ids", async () => {
    const products = [
      await create({ status: "inactive" }),
      await create({ status: "unconfigured" }),
      await create({ status: "archived" }),
      await create({ destination: null }),
      await create({ destination: { chatbot: "0b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c" } }),
    ];
    for (const product of products) {
      await expectError(await follow(product.id), 404, "not_found");
      expect((await read(product.id)).total_scans).toBe(0);
    }
    await expectError(await follow(`prod_${"0".repeat(26)}`), 404, "not_found");
    await expectError(await api(`/s/${encodeURIComponent("https://evil.example/")}`), 404, "not_found");
  });

  it("follows the current url after a change, and stops at once when the product is archived", async () => {
    const product = await create();
    const patch = (body: unknown) =>
      api(`/v1/products/${product.id}`, { method: "PATCH", key: main.key, body });
    expect((await patch({ destination: { url: "https://acme.example/new" } })).status).toBe(200);
    expect((await follow(product.id)).headers.get("Location")).toBe("https://acme.example/new");
    expect((await patch({ status: "archived" })).status).toBe(200);
    await expectError(await follow(product.id), 404, "not_found");
  });

  it("20 concurrent hits count exactly 20", async () => {
    const product = await create();
    const responses = await Promise.all(Array.from({ length: 20 }, () => follow(product.id)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(302));
    const row = await env.DB.prepare("SELECT total_scans FROM products WHERE id = ?")
      .bind(product.id)
      .first<{ total_scans: number }>();
    expect(row?.total_scans).toBe(20);
  });
});
