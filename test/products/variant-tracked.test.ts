import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createProduct, expectFailures, publishableKey, sharedTenant } from "../helpers";

/** A variant's `inventory.tracked` (the contract, Options and variants): false is always in stock. */

type Variant = {
  options: Record<string, string>;
  inventory: { quantity: number; allow_backorder: boolean; tracked: boolean } | null;
  in_stock: boolean;
};
type Product = { id: string; version: number; variants: Variant[]; in_stock: boolean };

const OPTIONS = [{ name: "Plan", values: ["Seat", "Site", "Cloud"] }];
const main = sharedTenant();

const create = (body: Record<string, unknown>) =>
  createProduct<Product>(main.key, { options: OPTIONS, inventory: { tracking: "variant" }, ...body });

describe("variants[].inventory.tracked", () => {
  it("defaults to true; false is in stock whatever its quantity, and makes the product in stock", async () => {
    const product = await create({
      variants: [
        { options: { Plan: "Seat" }, inventory: { quantity: 0 } },
        { options: { Plan: "Site" }, inventory: { quantity: 0, tracked: false } },
        { options: { Plan: "Cloud" } },
      ],
    });
    expect(product.variants.map((variant) => variant.inventory)).toEqual([
      { quantity: 0, allow_backorder: false, tracked: true },
      { quantity: 0, allow_backorder: false, tracked: false },
      null,
    ]);
    expect(product.variants.map((variant) => variant.in_stock)).toEqual([false, true, false]);
    expect(product.in_stock).toBe(true);
    const shop = await api(`/v1/storefront/products/${product.id}`, {
      key: await publishableKey(main.orgId),
    });
    expect(shop.status).toBe(200);
    const shown = (await shop.json()) as { in_stock: boolean; variants: { in_stock: boolean }[] };
    expect([shown.in_stock, ...shown.variants.map((variant) => variant.in_stock)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it("a hidden untracked variant does not make the product in stock; tracking none ignores it", async () => {
    const hidden = await create({
      variants: [
        { options: { Plan: "Seat" }, inventory: { quantity: 0 } },
        { options: { Plan: "Site" }, inventory: { quantity: 0, tracked: false }, visible: false },
      ],
    });
    expect(hidden.variants.map((variant) => variant.in_stock)).toEqual([false, true]);
    expect(hidden.in_stock).toBe(false);
    const byProduct = await create({
      inventory: { tracking: "product", quantity: 0 },
      variants: [{ options: { Plan: "Site" }, inventory: { quantity: 5, tracked: false } }],
    });
    expect(byProduct.variants[0]?.in_stock).toBe(false);
    expect(byProduct.in_stock).toBe(false);
  });

  it("a merge patch sets it; anything but a boolean is refused naming it", async () => {
    const product = await create({ variants: [{ options: { Plan: "Seat" }, inventory: { quantity: 0 } }] });
    const patched = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: main.key,
      headers: { "Content-Type": "application/merge-patch+json" },
      body: { variants: [{ options: { Plan: "Seat" }, inventory: { quantity: 0, tracked: false } }] },
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as Product).variants[0]?.in_stock).toBe(true);
    const bad = await api("/v1/products", {
      method: "POST",
      key: main.key,
      body: {
        name: "W",
        options: OPTIONS,
        variants: [{ options: { Plan: "Seat" }, inventory: { tracked: "no" } }],
      },
    });
    await expectFailures(bad, ["variants[0].inventory.tracked"]);
  });

  it("a variant stored before the field existed reads tracked: true", async () => {
    const product = await create({ variants: [{ options: { Plan: "Seat" }, inventory: { quantity: 3 } }] });
    // As a row written before the field: the variant's inventory without `tracked`.
    await env.DB.prepare(
      "UPDATE products SET data = json_remove(data, '$.variants[0].inventory.tracked') WHERE id = ?",
    )
      .bind(product.id)
      .run();
    const raw = await env.DB.prepare(
      "SELECT json_extract(data, '$.variants[0].inventory') AS inventory FROM products WHERE id = ?",
    )
      .bind(product.id)
      .first<{ inventory: string }>();
    expect(JSON.parse(raw?.inventory ?? "{}")).toEqual({ quantity: 3, allow_backorder: false });
    const read = (await (await api(`/v1/products/${product.id}`, { key: main.key })).json()) as Product;
    expect(read.variants[0]?.inventory).toEqual({ quantity: 3, allow_backorder: false, tracked: true });
    expect(read.variants[0]?.in_stock).toBe(true);
  });
});
