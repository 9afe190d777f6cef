import { type ProductRow, toProduct } from "../products/products.model";
import type { EventRow, EventType } from "./events.repo";

/** The API's event: the product as its snapshot was taken, rendered like any product. */
export function toEvent(row: EventRow, origin: string) {
  const product = JSON.parse(row.product) as ProductRow;
  return {
    id: row.id,
    object: "event" as const,
    type: row.type as EventType,
    created_at: row.createdAt,
    data: {
      object: toProduct(product, origin, Date.parse(row.createdAt)),
      ...(row.changedFields === null ? {} : { changed_fields: JSON.parse(row.changedFields) as string[] }),
    },
  };
}
