import { and, asc, desc, eq, gt, inArray, lt, type SQL, sql } from "drizzle-orm";
import { type Database, preparedOnce, unplanned } from "../db/client";
import { productLookups, products } from "../db/schema";
import { parseDateOrDateTime } from "../lib/dates";
import { invalidData } from "../lib/errors";
import { gtinKey, normalizeGtin } from "../lib/gtin";
import { storedForms } from "../lib/identifiers";
import { ulidCeiling, ulidFloor } from "../lib/ids";
import type { ProductListQuery } from "./products.query";
import type { ProductRow } from "./products.stored";

// Listing products: what a list query asks for (filters, search words, the cursor's position) and
// the one page of them that D1 reads, every filter served by an index (test/db/query-plans.test.ts
// checks each plan). Shared by GET /v1/products and the storefront's list.

export const encodeCursor = (position: Position) =>
  btoa("id" in position ? `i:${position.id}` : `s:${position.seq}`).replaceAll("=", "");

export function decodeCursor(cursor: string, search: boolean): Position {
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
export function filtersOf(query: ProductListQuery): ProductFilters {
  const lookups: ProductFilters["lookups"] = [];
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

export type ProductFilters = {
  status?: string[];
  type?: string;
  lookups: { kind: "tag" | "agent_id" | "sku" | "gtin"; value: string }[];
  /** Words of a full-text search, each matched as a prefix. */
  search?: string[];
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
};

/** An FTS5 query confined to the org's rows: every word a quoted prefix, all required. */
function matchExpression(orgId: string, words: string[]): string {
  const terms = words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" AND ");
  return `org_id : "${orgId}" AND body : (${terms})`;
}

/** A position in a listing: the id for id-ordered pages, the seq for search pages. */
export type Position = { id: string } | { seq: number };

/**
 * A page filtered by at most one status (a catalogue's pages, the storefront's), in either order,
 * from the start or after a product.
 */
const simplePage = (ascending: boolean, after: boolean, byStatus: boolean) =>
  preparedOnce((db) => {
    const afterId = sql.placeholder("afterId");
    return db
      .select()
      .from(products)
      .where(
        and(
          eq(products.orgId, unplanned(sql.placeholder("orgId"))),
          byStatus ? eq(products.status, unplanned(sql.placeholder("status"))) : undefined,
          after ? (ascending ? gt(products.id, afterId) : lt(products.id, afterId)) : undefined,
        ),
      )
      .orderBy(ascending ? asc(products.id) : desc(products.id))
      .limit(sql.placeholder("limit"))
      .prepare();
  });

/** The most asked lists, built once an isolate rather than per request: by order, cursor, status. */
const pagesInOrder = (ascending: boolean) =>
  [
    [simplePage(ascending, false, false), simplePage(ascending, false, true)],
    [simplePage(ascending, true, false), simplePage(ascending, true, true)],
  ] as const;
const SIMPLE_PAGES = { ascending: pagesInOrder(true), descending: pagesInOrder(false) };

const simple = (filters: ProductFilters) =>
  filters.lookups.length === 0 &&
  filters.search === undefined &&
  (filters.status === undefined || filters.status.length === 1) &&
  !filters.type &&
  !filters.createdAfter &&
  !filters.createdBefore &&
  !filters.updatedAfter;

/**
 * One page of products, newest first (or oldest with `ascending`). Each filter is served by an
 * index: the first exact-match filter drives through product_lookups, a search through the
 * full-text index, otherwise products' (org_id, …, id) indexes.
 * Reads `limit + 1` rows to know whether there is a next page.
 */
export async function listProducts(
  db: Database,
  orgId: string,
  filters: ProductFilters,
  page: { limit: number; ascending: boolean; after?: Position },
): Promise<ProductRow[]> {
  if (simple(filters)) {
    const afterId = page.after && "id" in page.after ? page.after.id : undefined;
    const status = filters.status?.[0];
    const query =
      SIMPLE_PAGES[page.ascending ? "ascending" : "descending"][afterId === undefined ? 0 : 1][
        status === undefined ? 0 : 1
      ];
    return query(db).all({ orgId, status, afterId, limit: page.limit + 1 });
  }
  const where: (SQL | undefined)[] = [eq(products.orgId, unplanned(orgId))];
  if (filters.status) where.push(inArray(products.status, filters.status));
  if (filters.type) where.push(eq(products.type, filters.type));
  if (filters.createdAfter) where.push(gt(products.id, filters.createdAfter));
  if (filters.createdBefore) where.push(lt(products.id, filters.createdBefore));
  if (filters.updatedAfter) where.push(gt(products.updatedAt, filters.updatedAfter));
  const [driving, ...others] = filters.lookups;
  for (const lookup of others) {
    where.push(
      sql`exists (select 1 from ${productLookups} where ${productLookups.orgId} = ${orgId} and ${productLookups.kind} = ${lookup.kind} and ${productLookups.value} in ${storedForms(lookup.value)} and ${productLookups.productId} = ${products.id})`,
    );
  }

  if (filters.search !== undefined) {
    const after = page.after && "seq" in page.after ? page.after.seq : undefined;
    if (driving) {
      where.push(
        sql`exists (select 1 from ${productLookups} where ${productLookups.orgId} = ${orgId} and ${productLookups.kind} = ${driving.kind} and ${productLookups.value} in ${storedForms(driving.value)} and ${productLookups.productId} = ${products.id})`,
      );
    }
    if (after !== undefined)
      where.push(page.ascending ? sql`products_fts.rowid > ${after}` : sql`products_fts.rowid < ${after}`);
    return db
      .select({ products })
      .from(sql`products_fts`)
      .innerJoin(products, sql`${products.seq} = products_fts.rowid`)
      .where(and(sql`products_fts match ${matchExpression(orgId, filters.search)}`, ...where))
      .orderBy(page.ascending ? sql`products_fts.rowid asc` : sql`products_fts.rowid desc`)
      .limit(page.limit + 1)
      .then((rows) => rows.map((row) => row.products));
  }

  const afterId = page.after && "id" in page.after ? page.after.id : undefined;
  if (driving) {
    if (afterId !== undefined) {
      where.push(
        page.ascending ? gt(productLookups.productId, afterId) : lt(productLookups.productId, afterId),
      );
    }
    // CROSS JOIN fixes the loop order in SQLite: walk the lookup's (org, kind, value, product_id)
    // key in id order and stop after a page, instead of scanning products and sorting.
    return db
      .select({ products })
      .from(productLookups)
      .crossJoin(products)
      .where(
        and(
          eq(productLookups.orgId, unplanned(orgId)),
          eq(productLookups.kind, unplanned(driving.kind)),
          inArray(productLookups.value, storedForms(driving.value)),
          eq(products.id, productLookups.productId),
          ...where,
        ),
      )
      .orderBy(page.ascending ? asc(productLookups.productId) : desc(productLookups.productId))
      .limit(page.limit + 1)
      .then((rows) => rows.map((row) => row.products));
  }

  if (afterId !== undefined) where.push(page.ascending ? gt(products.id, afterId) : lt(products.id, afterId));
  return db
    .select()
    .from(products)
    .where(and(...where))
    .orderBy(page.ascending ? asc(products.id) : desc(products.id))
    .limit(page.limit + 1);
}
