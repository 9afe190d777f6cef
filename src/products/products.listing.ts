import { and, asc, desc, eq, gt, inArray, lt, type SQL, sql } from "drizzle-orm";
import { type Database, preparedPerShape, unplanned } from "../db/client";
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
 * What a page's SQL depends on: its order and which filters it has, with how many values each
 * binds. Every request of one shape runs one query, built once an isolate (preparedPerShape) with
 * its values as placeholders: building a select is most of drizzle's time in a read.
 */
type Shape = {
  ascending: boolean;
  statuses: number;
  type: boolean;
  createdAfter: boolean;
  createdBefore: boolean;
  updatedAfter: boolean;
  /** Each exact-match filter's number of stored forms; the first drives a page without search. */
  lookups: number[];
  search: boolean;
  after: boolean;
};

/** A list query's shape and its placeholders' values (names as pageQuery writes them). */
function pageOf(
  orgId: string,
  filters: ProductFilters,
  page: { limit: number; ascending: boolean; after?: Position },
): { shape: Shape; values: Record<string, unknown> } {
  const values: Record<string, unknown> = { orgId, limit: page.limit + 1 };
  const statuses = filters.status ?? [];
  for (const [index, status] of statuses.entries()) values[`status${index}`] = status;
  if (filters.type) values.type = filters.type;
  if (filters.createdAfter) values.createdAfter = filters.createdAfter;
  if (filters.createdBefore) values.createdBefore = filters.createdBefore;
  if (filters.updatedAfter) values.updatedAfter = filters.updatedAfter;
  const lookups = filters.lookups.map((lookup, index) => {
    values[`kind${index}`] = lookup.kind;
    const forms = storedForms(lookup.value);
    for (const [form, value] of forms.entries()) values[`form${index}_${form}`] = value;
    return forms.length;
  });
  const search = filters.search !== undefined;
  if (filters.search !== undefined) values.match = matchExpression(orgId, filters.search);
  // a search page's position is a seq, any other page's an id (decodeCursor keeps them apart)
  let after: string | number | undefined;
  if (page.after && search && "seq" in page.after) after = page.after.seq;
  if (page.after && !search && "id" in page.after) after = page.after.id;
  if (after !== undefined) values.after = after;
  return {
    shape: {
      ascending: page.ascending,
      statuses: statuses.length,
      type: Boolean(filters.type),
      createdAfter: Boolean(filters.createdAfter),
      createdBefore: Boolean(filters.createdBefore),
      updatedAfter: Boolean(filters.updatedAfter),
      lookups,
      search,
      after: after !== undefined,
    },
    values,
  };
}

/** The prepared query of a shape. Each filter is served by an index (test/db/query-plans.test.ts). */
const pageQuery = preparedPerShape((db, shape: Shape) => {
  const value = sql.placeholder;
  const forms = (index: number) =>
    Array.from({ length: shape.lookups[index] ?? 0 }, (_, form) => value(`form${index}_${form}`));
  const exists = (index: number) =>
    sql`exists (select 1 from ${productLookups} where ${productLookups.orgId} = ${value("orgId")} and ${productLookups.kind} = ${value(`kind${index}`)} and ${productLookups.value} in ${forms(index)} and ${productLookups.productId} = ${products.id})`;
  const order = shape.ascending ? asc : desc;
  const after = value("after");

  const where: (SQL | undefined)[] = [eq(products.orgId, unplanned(value("orgId")))];
  const [driving, ...others] = shape.lookups;
  const bounded = shape.type || shape.createdAfter || shape.createdBefore || shape.updatedAfter;
  if (driving === undefined && !shape.search && !bounded && shape.statuses === 1) {
    // the catalogue's and the storefront's pages by one status: the status unplanned too
    where.push(eq(products.status, unplanned(value("status0"))));
  } else if (shape.statuses > 0) {
    where.push(
      inArray(
        products.status,
        Array.from({ length: shape.statuses }, (_, index) => value(`status${index}`)),
      ),
    );
  }
  if (shape.type) where.push(eq(products.type, value("type")));
  if (shape.createdAfter) where.push(gt(products.id, value("createdAfter")));
  if (shape.createdBefore) where.push(lt(products.id, value("createdBefore")));
  if (shape.updatedAfter) where.push(gt(products.updatedAt, value("updatedAfter")));
  for (const index of others.keys()) where.push(exists(index + 1));

  if (shape.search) {
    if (driving !== undefined) where.push(exists(0));
    if (shape.after)
      where.push(shape.ascending ? sql`products_fts.rowid > ${after}` : sql`products_fts.rowid < ${after}`);
    return db
      .select({ products })
      .from(sql`products_fts`)
      .innerJoin(products, sql`${products.seq} = products_fts.rowid`)
      .where(and(sql`products_fts match ${value("match")}`, ...where))
      .orderBy(shape.ascending ? sql`products_fts.rowid asc` : sql`products_fts.rowid desc`)
      .limit(value("limit"))
      .prepare();
  }

  if (driving !== undefined) {
    if (shape.after) {
      where.push(shape.ascending ? gt(productLookups.productId, after) : lt(productLookups.productId, after));
    }
    // CROSS JOIN fixes the loop order in SQLite: walk the lookup's (org, kind, value, product_id)
    // key in id order and stop after a page, instead of scanning products and sorting.
    return db
      .select({ products })
      .from(productLookups)
      .crossJoin(products)
      .where(
        and(
          eq(productLookups.orgId, unplanned(value("orgId"))),
          eq(productLookups.kind, unplanned(value("kind0"))),
          inArray(productLookups.value, forms(0)),
          eq(products.id, productLookups.productId),
          ...where,
        ),
      )
      .orderBy(order(productLookups.productId))
      .limit(value("limit"))
      .prepare();
  }

  if (shape.after) where.push(shape.ascending ? gt(products.id, after) : lt(products.id, after));
  return db
    .select({ products })
    .from(products)
    .where(and(...where))
    .orderBy(order(products.id))
    .limit(value("limit"))
    .prepare();
});

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
  const { shape, values } = pageOf(orgId, filters, page);
  const rows = await pageQuery(db, shape).all(values);
  return rows.map((row) => row.products);
}
