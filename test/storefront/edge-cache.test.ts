import { beforeEach, describe, expect, it } from "vitest";
import { recordedPurges } from "../../src/shared/edge-cache";
import { admin, api, createProduct, type Tenant, tenant } from "../helpers";

/**
 * The edge cache (Workers Cache) as the Worker drives it: every answer's Cache-Control, the
 * storefront's tags and lifetimes, and the purge every kind of change makes. Local runs have no
 * `ctx.cache`, so the purges are the ones src/shared/edge-cache.ts records.
 */

let t: Tenant;
let shopKey: string;
let shopKeyId: string;
beforeEach(async () => {
  t = await tenant();
  const created = await admin("/api_keys", {
    method: "POST",
    body: { name: "shop", org_ids: [t.orgId], type: "publishable", scopes: ["storefront.read"] },
  });
  expect(created.status).toBe(201);
  ({ key: shopKey, id: shopKeyId } = (await created.json()) as { key: string; id: string });
});

const shop = (path: string) => api(`/v1/storefront/products${path}`, { key: shopKey });

/** The purges made while `run` ran. */
async function purgesOf(run: () => Promise<unknown>): Promise<string[][]> {
  const before = recordedPurges.length;
  await run();
  return recordedPurges.slice(before);
}

const productTags = (id: string) => [`product:${id}`, `org:${t.orgId}:list`];
const patch = (id: string, body: unknown) =>
  api(`/v1/products/${id}`, {
    method: "PATCH",
    key: t.key,
    body,
    headers: { "Content-Type": "application/merge-patch+json" },
  });

describe("Cache-Control on every answer", () => {
  it("is private, no-store but for the storefront's reads and the images", async () => {
    const product = await createProduct<{ id: string }>(t.key, { name: "Kettle" });
    for (const response of [
      await api("/health"),
      await api(`/v1/products/${product.id}`, { key: t.key }),
      await api("/v1/products", { key: t.key }),
      await api("/openapi.json"),
      await api("/v1/products/prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK", { key: t.key }),
      await api("/v1/products"),
      await shop("/prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK"),
      await api("/v1/storefront/products"),
      await api("/nowhere"),
    ]) {
      expect(response.headers.get("Cache-Control"), `${response.url} ${response.status}`).toBe(
        "private, no-store",
      );
      expect(response.headers.get("Cache-Tag")).toBeNull();
    }
  });

  it("a storefront answer is public for 60 s, tagged with its org, product or list, and key", async () => {
    const product = await createProduct<{ id: string }>(t.key, { name: "Kettle", status: "active" });
    const one = await shop(`/${product.id}`);
    expect(one.status).toBe(200);
    expect(one.headers.get("Cache-Control")).toBe("public, max-age=60, stale-while-revalidate=600");
    expect(one.headers.get("Cache-Tag")).toBe(`org:${t.orgId},product:${product.id},key:${shopKeyId}`);
    expect(one.headers.get("Vary")).toContain("Authorization");
    const bySlug = await shop("/kettle");
    expect(bySlug.headers.get("Cache-Tag")).toBe(one.headers.get("Cache-Tag"));
    const list = await shop("");
    expect(list.headers.get("Cache-Tag")).toBe(`org:${t.orgId},org:${t.orgId}:list,key:${shopKeyId}`);
    const etag = one.headers.get("ETag") ?? "";
    const notModified = await api(`/v1/storefront/products/${product.id}`, {
      key: shopKey,
      headers: { "If-None-Match": etag },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("Cache-Control")).toBe(one.headers.get("Cache-Control"));
  });

  it("is never cached past the next availability or novelty boundary", async () => {
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const maxAge = (response: Response) => response.headers.get("Cache-Control");
    const ending = await createProduct<{ id: string }>(t.key, { name: "Ending", available_to: at(30) });
    expect(maxAge(await shop(`/${ending.id}`))).toMatch(/^public, max-age=(29|30)$/);
    const newEnds = await createProduct<{ id: string }>(t.key, { name: "New", new_to: at(300) });
    expect(maxAge(await shop(`/${newEnds.id}`))).toMatch(
      /^public, max-age=60, stale-while-revalidate=(239|240)$/,
    );
    const later = await createProduct<{ id: string }>(t.key, { name: "Later", new_from: at(3600) });
    expect(maxAge(await shop(`/${later.id}`))).toBe("public, max-age=60, stale-while-revalidate=600");
    // A page is bounded by the nearest boundary of the products it shows.
    expect(maxAge(await shop(""))).toMatch(/^public, max-age=(29|30)$/);
  });
});

describe("the purges of every kind of change", () => {
  it("create, PATCH, PUT: the product and the org's list", async () => {
    let id = "";
    const made = await purgesOf(async () => {
      id = (await createProduct<{ id: string }>(t.key, { name: "Purged" })).id;
    });
    expect(made).toEqual([productTags(id)]);
    expect(
      await purgesOf(async () => expect((await patch(id, { name: "Renamed" })).status).toBe(200)),
    ).toEqual([productTags(id)]);
    const put = () => api(`/v1/products/${id}`, { method: "PUT", key: t.key, body: { name: "Replaced" } });
    expect(await purgesOf(async () => expect((await put()).status).toBe(200))).toEqual([productTags(id)]);
  });

  it("a refused write purges nothing", async () => {
    const { id } = await createProduct<{ id: string }>(t.key, { name: "Kept" });
    expect(await purgesOf(async () => expect((await patch(id, { name: "" })).status).toBe(400))).toEqual([]);
    const stale = () =>
      api(`/v1/products/${id}`, { method: "DELETE", key: t.key, headers: { "If-Match": '"9"' } });
    expect(await purgesOf(async () => expect((await stale()).status).toBe(412))).toEqual([]);
  });

  it("a delete purges the whole org (it also leaves other products' related lists)", async () => {
    const { id } = await createProduct<{ id: string }>(t.key, { name: "Gone" });
    await createProduct(t.key, { name: "Relating", related_product_ids: [id] });
    const purges = await purgesOf(async () =>
      expect((await api(`/v1/products/${id}`, { method: "DELETE", key: t.key })).status).toBe(200),
    );
    expect(purges).toEqual([[`org:${t.orgId}`]]);
  });

  it("images: adding, changing and removing one purges the product", async () => {
    const { id } = await createProduct<{ id: string }>(t.key, { name: "Pictured" });
    let imageId = "";
    const added = await purgesOf(async () => {
      const response = await api(`/v1/products/${id}/images`, {
        method: "POST",
        key: t.key,
        body: { image_urls: ["https://images.test/png?edge-cache"] },
      });
      expect(response.status, await response.clone().text()).toBe(200);
      imageId = ((await response.json()) as { images: { id: string }[] }).images[0]?.id ?? "";
    });
    expect(added).toEqual([productTags(id)]);
    const changed = await purgesOf(async () => {
      const response = await api(`/v1/products/${id}/images/${imageId}`, {
        method: "PATCH",
        key: t.key,
        body: { alt: "A kettle" },
      });
      expect(response.status).toBe(200);
    });
    expect(changed).toEqual([productTags(id)]);
    const removed = await purgesOf(async () =>
      expect(
        (await api(`/v1/products/${id}/images/${imageId}`, { method: "DELETE", key: t.key })).status,
      ).toBe(200),
    );
    expect(removed).toEqual([productTags(id)]);
  });

  it("inventory: only an adjustment that turns in_stock purges", async () => {
    const { id } = await createProduct<{ id: string }>(t.key, {
      name: "Stocked",
      inventory: { tracking: "product", quantity: 0 },
    });
    const adjust = (delta: number) =>
      purgesOf(async () => {
        const response = await api(`/v1/products/${id}/inventory_adjustments`, {
          method: "POST",
          key: t.key,
          body: { delta },
        });
        expect(response.status).toBe(200);
      });
    expect(await adjust(2)).toEqual([productTags(id)]);
    expect(await adjust(3)).toEqual([]);
    expect(await adjust(-4)).toEqual([]);
    expect(await adjust(-1)).toEqual([productTags(id)]);
  });

  it("a seed dialect's write purges as /v1's does", async () => {
    let id = "";
    const purges = await purgesOf(async () => {
      const response = await api("/compat/trata/v1/products", {
        method: "POST",
        key: t.key,
        body: {
          active: true,
          defaultPrice: 100,
          currency: "EUR",
          description: null,
          name: "Via Trata",
          status: "active",
        },
      });
      expect(response.status).toBe(200);
      id = ((await response.json()) as { id: string }).id;
    });
    expect(purges).toEqual([productTags(id)]);
  });

  it("revoking a publishable key purges what it read", async () => {
    const purges = await purgesOf(async () =>
      expect((await admin(`/api_keys/${shopKeyId}`, { method: "DELETE" })).status).toBe(200),
    );
    expect(purges).toEqual([[`key:${shopKeyId}`]]);
    expect((await shop("")).status).toBe(401);
  });
});
