import { describe, expect, it } from "vitest";
import { api, createProduct, expectError, expectFailures, sharedTenant, tenant } from "../helpers";

/** `inventory`, the computed `in_stock`, and atomic `POST /v1/products/{id}/inventory_adjustments`. */

type Inventory = {
  tracking: string;
  quantity: number;
  low_stock_threshold: number | null;
  allow_backorder: boolean;
  min_order_quantity: number;
  max_order_quantity: number | null;
};
type Product = { id: string; version: number; inventory: Inventory; in_stock: boolean };

const MAX = 1_000_000_000;

const main = sharedTenant();

const create = (inventory?: Partial<Inventory> | null) =>
  createProduct<Product>(main.key, inventory === undefined ? {} : { inventory });

const adjust = (id: string, body: unknown, headers: Record<string, string> = {}, key = main.key) =>
  api(`/v1/products/${id}/inventory_adjustments`, { method: "POST", key, body, headers });

async function read(id: string): Promise<Product> {
  return (await (await api(`/v1/products/${id}`, { key: main.key })).json()) as Product;
}

describe("inventory", () => {
  it("defaults to untracked, which is always in stock", async () => {
    const expected = {
      tracking: "none",
      quantity: 0,
      low_stock_threshold: null,
      allow_backorder: false,
      min_order_quantity: 1,
      max_order_quantity: null,
    };
    for (const product of [await create(), await create(null), await create({})]) {
      expect(product).toMatchObject({ inventory: expected, in_stock: true });
    }
  });

  it("in_stock with tracking per product: above 0, or backorders allowed", async () => {
    expect((await create({ tracking: "product", quantity: 0 })).in_stock).toBe(false);
    expect((await create({ tracking: "product", quantity: 1 })).in_stock).toBe(true);
    expect((await create({ tracking: "product", quantity: -3, allow_backorder: true })).in_stock).toBe(true);
  });

  it("takes every limit at its edge and refuses just past it", async () => {
    const edge = {
      tracking: "product",
      quantity: MAX,
      low_stock_threshold: 0,
      allow_backorder: true,
      min_order_quantity: 5,
      max_order_quantity: 5,
    };
    expect((await create(edge)).inventory).toEqual(edge);
    expect((await create({ quantity: -MAX, allow_backorder: true })).inventory.quantity).toBe(-MAX);
    const post = (inventory: unknown) =>
      api("/v1/products", { method: "POST", key: main.key, body: { name: "W", inventory } });
    await expectFailures(
      await post({
        quantity: MAX + 1,
        low_stock_threshold: -1,
        min_order_quantity: 0,
        max_order_quantity: 0,
      }),
      [
        "inventory.quantity",
        "inventory.low_stock_threshold",
        "inventory.min_order_quantity",
        "inventory.max_order_quantity",
      ],
    );
    await expectFailures(await post({ tracking: "lots", quantity: 1.5, warehouse: "A" }), [
      "inventory.tracking",
      "inventory.quantity",
      "inventory.warehouse",
    ]);
    // Rules between fields: below zero needs backorders, max ≥ min.
    await expectFailures(await post({ quantity: -1, min_order_quantity: 6, max_order_quantity: 5 }), [
      "inventory.quantity",
      "inventory.max_order_quantity",
    ]);
  });

  it("PATCH merges into the inventory", async () => {
    const product = await create({ tracking: "product", quantity: 3, low_stock_threshold: 2 });
    const response = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: main.key,
      body: { inventory: { quantity: 7 } },
    });
    expect(((await response.json()) as Product).inventory).toMatchObject({
      tracking: "product",
      quantity: 7,
      low_stock_threshold: 2,
    });
  });
});

describe("POST /v1/products/{id}/inventory_adjustments", () => {
  it("adds the delta, bumps the version and answers the product", async () => {
    const product = await create({ tracking: "product", quantity: 2 });
    const response = await adjust(product.id, { delta: 5, reason: "delivery" });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await response.json()).toMatchObject({ version: 2, inventory: { quantity: 7 }, in_stock: true });
    const down = (await (await adjust(product.id, { delta: -7 })).json()) as Product;
    expect(down).toMatchObject({ version: 3, inventory: { quantity: 0 }, in_stock: false });
  });

  it("refuses to go below zero without backorders (409 insufficient_stock), changing nothing", async () => {
    const product = await create({ tracking: "product", quantity: 2 });
    await expectError(await adjust(product.id, { delta: -3 }), 409, "insufficient_stock");
    expect(await read(product.id)).toMatchObject({ version: 1, inventory: { quantity: 2 } });
    expect((await adjust(product.id, { delta: -2 })).status).toBe(200);
    const backordered = await create({ tracking: "product", quantity: 0, allow_backorder: true });
    expect(((await (await adjust(backordered.id, { delta: -4 })).json()) as Product).inventory.quantity).toBe(
      -4,
    );
  });

  it("refuses an untracked product, a zero or oversized delta, a result out of range, and bad bodies", async () => {
    const untracked = await create();
    await expectFailures(await adjust(untracked.id, { delta: 1 }), ["delta"]);
    const tracked = await create({ tracking: "product", quantity: MAX - 1 });
    await expectFailures(await adjust(tracked.id, { delta: 0 }), ["delta"]);
    await expectFailures(await adjust(tracked.id, { delta: MAX + 1 }), ["delta"]);
    await expectFailures(await adjust(tracked.id, { delta: 2 }), ["delta"]);
    expect((await adjust(tracked.id, { delta: 1 })).status).toBe(200);
    await expectFailures(await adjust(tracked.id, { delta: "1", reason: "r".repeat(257), note: 1 }), [
      "delta",
      "reason",
      "note",
    ]);
    await expectFailures(await adjust(tracked.id, {}), ["delta"]);
    expect((await adjust(tracked.id, { delta: -1, reason: "r".repeat(256) })).status).toBe(200);
    expect(await read(tracked.id)).toMatchObject({ inventory: { quantity: MAX - 1 }, version: 3 });
  });

  it("honours If-Match; another org's product is 404", async () => {
    const product = await create({ tracking: "product", quantity: 1 });
    const stale = await expectError(
      await adjust(product.id, { delta: 1 }, { "If-Match": '"4"' }),
      412,
      "precondition_failure",
    );
    expect(stale).toMatchObject({ current_version: 1 });
    expect((await adjust(product.id, { delta: 1 }, { "If-Match": '"1"' })).status).toBe(200);
    const other = await tenant();
    await expectError(await adjust(product.id, { delta: 1 }, {}, other.key), 404, "not_found");
  });

  it("20 concurrent adjustments all count", async () => {
    const product = await create({ tracking: "product", quantity: 0 });
    const responses = await Promise.all(Array.from({ length: 20 }, () => adjust(product.id, { delta: 3 })));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    expect(await read(product.id)).toMatchObject({ inventory: { quantity: 60 }, version: 21 });
  });

  it("20 concurrent takes of 1 from a stock of 10: exactly 10 succeed and the stock ends at 0", async () => {
    const product = await create({ tracking: "product", quantity: 10 });
    const responses = await Promise.all(Array.from({ length: 20 }, () => adjust(product.id, { delta: -1 })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array<number>(10).fill(200), ...Array<number>(10).fill(409)]);
    expect(await read(product.id)).toMatchObject({ inventory: { quantity: 0 }, version: 11 });
  });

  it("a keyed retry is replayed, not applied twice", async () => {
    const product = await create({ tracking: "product", quantity: 0 });
    const headers = { "Idempotency-Key": `adjust-${product.id}` };
    const first = await adjust(product.id, { delta: 4 }, headers);
    const again = await adjust(product.id, { delta: 4 }, headers);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
    expect((await read(product.id)).inventory.quantity).toBe(4);
  });
});
