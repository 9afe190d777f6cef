import { env } from "cloudflare:workers";
import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { products } from "../../src/db/schema";
import { api, createKey, createOrg, createProduct } from "../helpers";

/**
 * An event keeps the product as it was (a snapshot written by the triggers on `products`): every
 * kind of event keeps the same fields, the columns of a products row, so that each renders as the
 * API's product does. The deleted one once had its own copy of the snapshot and lacked one.
 */
const COLUMNS = Object.keys(getTableColumns(products)).sort();

type Event = { type: string; data: { object: Record<string, unknown> } };

describe("event snapshots", () => {
  it("of a create, an update, a low-stock crossing and a delete have the same keys: a product row's, the API product's", async () => {
    const orgId = await createOrg();
    const { key } = await createKey([orgId], ["product.edit", "webhook.manage"]);
    const created = await createProduct(key, {
      name: "Snapshot kettle",
      inventory: { tracking: "product", quantity: 10, low_stock_threshold: 5 },
    });
    const patched = await api(`/v1/products/${created.id}`, {
      method: "PATCH",
      key,
      body: { description: "Now described" },
    });
    expect(patched.status).toBe(200);
    const adjusted = await api(`/v1/products/${created.id}/inventory_adjustments`, {
      method: "POST",
      key,
      body: { delta: -7, reason: "sold" },
    });
    expect(adjusted.status).toBe(200);
    const product = (await adjusted.json()) as Record<string, unknown>;
    expect((await api(`/v1/products/${created.id}`, { method: "DELETE", key })).status).toBe(200);

    const { results } = await env.DB.prepare(
      "SELECT type, product FROM events WHERE product_id = ? ORDER BY product_version, type",
    )
      .bind(created.id)
      .all<{ type: string; product: string }>();
    expect(results.map((row) => row.type).sort()).toEqual([
      "product.created",
      "product.deleted",
      "product.low_stock",
      "product.updated",
      "product.updated",
    ]);
    for (const row of results) {
      expect(Object.keys(JSON.parse(row.product)).sort(), row.type).toEqual(COLUMNS);
    }

    const listed = await api("/v1/events?limit=100", { key });
    expect(listed.status).toBe(200);
    const events = ((await listed.json()) as { data: Event[] }).data;
    expect(events).toHaveLength(5);
    for (const event of events) {
      expect(Object.keys(event.data.object).sort(), event.type).toEqual(Object.keys(product).sort());
    }
  });
});
