import type { ProductRow } from "../products/products.stored";
import { toProduct } from "../products/products.view";
import type { EventRow, EventType } from "./events.repo";

/**
 * The fields of `data` a change changed, in name order, with `images` from the trigger. A field
 * compares by its JSON text, so an object whose keys were written in another order counts.
 */
function changedFields(row: EventRow, product: ProductRow): string[] | undefined {
  if (row.changedFields === null) return undefined;
  const changed = new Set(JSON.parse(row.changedFields) as string[]);
  if (row.previousData !== null) {
    const before = JSON.parse(row.previousData) as Record<string, unknown>;
    const after = JSON.parse(product.data) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.add(key);
  }
  return [...changed].sort();
}

/**
 * The inventory adjustment that made this event's change, if one did: the row notes the last one
 * with the version it made (snapshots older than that note have none).
 */
function adjustmentOf(row: EventRow, product: ProductRow) {
  if (row.type !== "product.updated" && row.type !== "product.low_stock") return undefined;
  if (!product.adjustment) return undefined;
  const { version, delta, reason } = JSON.parse(product.adjustment) as {
    version: number;
    delta: number;
    reason: string | null;
  };
  return version === row.productVersion ? { delta, reason } : undefined;
}

/** The API's event: the product as its snapshot was taken, rendered like any product. */
export function toEvent(row: EventRow, origin: string) {
  const product = JSON.parse(row.product) as ProductRow;
  const changed = changedFields(row, product);
  const adjustment = adjustmentOf(row, product);
  return {
    id: row.id,
    object: "event" as const,
    type: row.type as EventType,
    created_at: row.createdAt,
    data: {
      object: toProduct(product, origin, Date.parse(row.createdAt)),
      ...(changed === undefined ? {} : { changed_fields: changed }),
      ...(adjustment === undefined ? {} : { adjustment }),
    },
  };
}
