import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createProduct, expectFailures, sharedTenant, tenant } from "../helpers";

/** related_product_ids: products of the same org only, checked at write time, gone when deleted. */

type Product = { id: string; version: number; related_product_ids: string[] };

const main = sharedTenant();

const create = (body: Record<string, unknown> = {}, key = main.key) => createProduct<Product>(key, body);
const post = (body: Record<string, unknown>) =>
  api("/v1/products", { method: "POST", key: main.key, body: { name: "W", ...body } });
const read = async (id: string) =>
  (await (await api(`/v1/products/${id}`, { key: main.key })).json()) as Product;

describe("related_product_ids", () => {
  it("keeps the org's products in order, deduplicated; empty by default", async () => {
    const [a, b] = [await create(), await create()];
    const product = await create({ related_product_ids: [b?.id, a?.id, b?.id] });
    expect(product.related_product_ids).toEqual([b?.id, a?.id]);
    expect((await create()).related_product_ids).toEqual([]);
  });

  it("takes 50 and refuses 51", async () => {
    const fifty = await Promise.all(Array.from({ length: 50 }, () => create()));
    const ids = fifty.map((product) => product.id);
    expect((await create({ related_product_ids: ids })).related_product_ids).toEqual(ids);
    await expectFailures(await post({ related_product_ids: [...ids, ids[0]] }), ["related_product_ids"]);
  });

  it("names each unknown id, another org's included, and writes nothing", async () => {
    const count = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM products WHERE org_id = ?")
          .bind(main.orgId)
          .first<{ n: number }>()
      )?.n;
    const mine = await create();
    const theirs = await create({}, (await tenant()).key);
    const unknown = `prod_${"0".repeat(26)}`;
    const before = await count();
    const body = await expectFailures(await post({ related_product_ids: [mine.id, unknown, theirs.id] }), [
      "related_product_ids[1]",
      "related_product_ids[2]",
    ]);
    expect(body.failures?.[0]?.message).toContain(unknown);
    await expectFailures(await post({ related_product_ids: [mine.id, ""] }), ["related_product_ids[1]"]);
    expect(await count()).toBe(before);
  });

  it("refuses the product itself; PUT replaces the list and PATCH null empties it", async () => {
    const [a, b] = [await create(), await create()];
    const product = await create({ related_product_ids: [a?.id] });
    const write = (method: string, body: unknown) =>
      api(`/v1/products/${product.id}`, { method, key: main.key, body });
    await expectFailures(await write("PATCH", { related_product_ids: [a?.id, product.id] }), [
      "related_product_ids[1]",
    ]);
    const replaced = (await (
      await write("PUT", { name: "R", related_product_ids: [b?.id] })
    ).json()) as Product;
    expect(replaced.related_product_ids).toEqual([b?.id]);
    const emptied = (await (await write("PATCH", { related_product_ids: null })).json()) as Product;
    expect(emptied.related_product_ids).toEqual([]);
  });

  it("a deleted product leaves every list that named it, each as a new version", async () => {
    const [gone, kept] = [await create(), await create()];
    const first = await create({ related_product_ids: [gone?.id, kept?.id] });
    const second = await create({ related_product_ids: [gone?.id] });
    expect((await api(`/v1/products/${gone?.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    expect(await read(first.id)).toMatchObject({ related_product_ids: [kept?.id], version: 2 });
    expect(await read(second.id)).toMatchObject({ related_product_ids: [], version: 2 });
    expect(await read(kept?.id as string)).toMatchObject({ version: 1 });
  });

  it("a delete refused by If-Match leaves every list as it was, and another org's lists are never touched", async () => {
    const target = await create();
    const naming = await create({ related_product_ids: [target.id] });
    const refused = await api(`/v1/products/${target.id}`, {
      method: "DELETE",
      key: main.key,
      headers: { "If-Match": '"7"' },
    });
    expect(refused.status).toBe(412);
    expect(await read(naming.id)).toMatchObject({ related_product_ids: [target.id], version: 1 });
    const other = await tenant();
    const elsewhere = await createProduct<Product>(other.key, { name: "Other org" });
    expect((await api(`/v1/products/${target.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    expect(await read(naming.id)).toMatchObject({ related_product_ids: [], version: 2 });
    const untouched = (await (
      await api(`/v1/products/${elsewhere.id}`, { key: other.key })
    ).json()) as Product;
    expect(untouched.version).toBe(1);
  });

  it("the database refuses an id that names no product, whatever the API checked before", async () => {
    const product = await create();
    const write = env.DB.prepare(
      "UPDATE products SET data = json_set(data, '$.related_product_ids', json(?)) WHERE id = ?",
    ).bind(JSON.stringify([`prod_${"9".repeat(26)}`]), product.id);
    await expect(write.run()).rejects.toThrow(/related_product_missing/);
    expect((await read(product.id)).related_product_ids).toEqual([]);
  });
});
