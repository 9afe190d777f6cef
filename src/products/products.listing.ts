import { invalidData } from "../lib/errors";
import { gtinKey, normalizeGtin } from "../lib/gtin";
import { ulidCeiling, ulidFloor } from "../lib/ids";
import { parseDateOrDateTime } from "../shared/schemas";
import type { ProductListQuery } from "./products.query";
import type * as repo from "./products.repo";

// What a list query asks the repo for: filters, search words and the cursor's position. Shared by
// GET /v1/products and the storefront's list.

export const encodeCursor = (position: repo.Position) =>
  btoa("id" in position ? `i:${position.id}` : `s:${position.seq}`).replaceAll("=", "");

export function decodeCursor(cursor: string, search: boolean): repo.Position {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // falls through to the error below
  }
  const match = /^(i:prod_[0-9A-Z]{26}|s:\d{1,15})$/.exec(decoded);
  if (!match || decoded.startsWith("s:") !== search) {
    throw invalidData([
      { field: "cursor", message: "Not a cursor of this listing: pass next_cursor back unchanged." },
    ]);
  }
  return decoded.startsWith("s:") ? { seq: Number(decoded.slice(2)) } : { id: decoded.slice(2) };
}

/** The words of `q` (at most 10), each to be matched as a prefix. */
export function searchWords(q: string | undefined): string[] | undefined {
  if (q === undefined) return undefined;
  const words = q
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 10);
  if (words.length === 0) throw invalidData([{ field: "q", message: "Must contain a letter or a digit." }]);
  return words;
}

function time(value: string | undefined): number | undefined {
  return value === undefined ? undefined : (parseDateOrDateTime(value) as number);
}

/** GET /v1/products's query as the repo's filters. */
export function filtersOf(query: ProductListQuery): repo.ProductFilters {
  const lookups: repo.ProductFilters["lookups"] = [];
  if (query.sku !== undefined) lookups.push({ kind: "sku", value: query.sku });
  if (query.gtin !== undefined) {
    const gtin = normalizeGtin(query.gtin);
    if ("error" in gtin) throw invalidData([{ field: "gtin", message: gtin.error }]);
    lookups.push({ kind: "gtin", value: gtinKey(gtin.gtin) });
  }
  if (query.tag !== undefined) lookups.push({ kind: "tag", value: query.tag });
  if (query.agent_id !== undefined) lookups.push({ kind: "agent_id", value: query.agent_id });
  const createdAfter = time(query.created_after);
  const createdBefore = time(query.created_before);
  const updatedAfter = time(query.updated_after);
  return {
    // Each value is one of the four statuses (the schema checks), so once repeats are dropped the
    // list binds at most four parameters, however long the query: D1 allows 100 a statement.
    status:
      query.status === undefined
        ? undefined
        : [...new Set(query.status.split(",").map((status) => status.trim()))],
    type: query.type,
    lookups,
    search: searchWords(query.q),
    createdAfter: createdAfter === undefined ? undefined : `prod_${ulidCeiling(createdAfter)}`,
    createdBefore: createdBefore === undefined ? undefined : `prod_${ulidFloor(createdBefore)}`,
    updatedAfter: updatedAfter === undefined ? undefined : new Date(updatedAfter).toISOString(),
  };
}
