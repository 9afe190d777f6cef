import { and, eq, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { productLookups, products } from "../db/schema";
import { gtinKey } from "../lib/gtin";
import type { ProductFields } from "./products.stored";

// Reads of product_lookups (sku, gtin, tag, agent id, related and slug rows, one index): what a
// write checks before it writes, and which identifier a unique violation was about.

/** Which unique identifier another product holds; for a slug, its lookup value `<locale>:<slug>`. */
export type Duplicate = { kind: "sku" | "gtin" } | { kind: "slug"; value?: string };

/** The ids among `ids` that name no product of the org. */
export async function missingProducts(db: Database, orgId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.orgId, orgId), inArray(products.id, ids)));
  const found = new Set(rows.map((row) => row.id));
  return ids.filter((id) => !found.has(id));
}

/** The slug lookups of a product (migration 0007): `<locale>:<slug>` for its own and each localization's. */
function slugLookups(fields: ProductFields): string[] {
  const values = fields.slug === null ? [] : [`${fields.default_locale}:${fields.slug}`];
  for (const [locale, localization] of Object.entries(fields.localizations)) {
    if (localization.slug !== null) values.push(`${locale}:${localization.slug}`);
  }
  return values;
}

/**
 * After a unique violation: which of the product's identifiers another product of the org holds
 * (sku first, then gtin, then a slug as its lookup value).
 */
export async function findDuplicate(
  db: Database,
  orgId: string,
  productId: string,
  fields: ProductFields,
): Promise<Duplicate> {
  const candidates: SQL[] = [];
  // The product's own and its variants' (migration 0007).
  const skus = [fields.sku, ...fields.variants.map((variant) => variant.sku)].filter((sku) => sku !== null);
  const gtins = [fields.gtin, ...fields.variants.map((variant) => variant.gtin)]
    .filter((gtin) => gtin !== null)
    .map(gtinKey);
  if (skus.length > 0)
    candidates.push(and(eq(productLookups.kind, "sku"), inArray(productLookups.value, skus)) as SQL);
  if (gtins.length > 0) {
    candidates.push(and(eq(productLookups.kind, "gtin"), inArray(productLookups.value, gtins)) as SQL);
  }
  const slugs = slugLookups(fields);
  if (slugs.length > 0) {
    candidates.push(and(eq(productLookups.kind, "slug"), inArray(productLookups.value, slugs)) as SQL);
  }
  const rows = await db
    .select({ kind: productLookups.kind, value: productLookups.value })
    .from(productLookups)
    .where(
      and(
        eq(productLookups.orgId, orgId),
        or(...candidates),
        sql`${productLookups.productId} <> ${productId}`,
      ),
    );
  for (const kind of ["sku", "gtin"] as const) {
    if (rows.some((row) => row.kind === kind)) return { kind };
  }
  const slug = rows.find((row) => row.kind === "slug");
  // No row: the other write was rolled back meanwhile; name the sku (or a slug) as before.
  return slug ? { kind: "slug", value: slug.value } : { kind: skus.length > 0 ? "sku" : "slug" };
}

/**
 * Whether another product of the org holds one of `skus` as a lookup: for the decomposed twins of a
 * write's SKUs, which the unique index cannot see (one index read; the write itself is NFC).
 */
export async function skuTaken(db: Database, orgId: string, productId: string, skus: string[]) {
  const [row] = await db
    .select({ value: productLookups.value })
    .from(productLookups)
    .where(
      and(
        eq(productLookups.orgId, orgId),
        eq(productLookups.kind, "sku"),
        inArray(productLookups.value, skus),
        sql`${productLookups.productId} <> ${productId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * The slugs among `base`, `base-2`, `base-3`, … that another product of the org already has in
 * `locale` (one index range read, from the slug lookup `<locale>:<base>` to `<locale>:<base>-<digit>…`).
 */
export async function takenSlugs(
  db: Database,
  orgId: string,
  productId: string,
  locale: string,
  base: string,
): Promise<Set<string>> {
  const prefix = `${locale}:`;
  const rows = await db
    .select({ value: productLookups.value })
    .from(productLookups)
    .where(
      and(
        eq(productLookups.orgId, orgId),
        eq(productLookups.kind, "slug"),
        // One index range, from `base` itself up to `base-` and a digit (':' sorts right after '9',
        // and no other slug character sorts between them). An OR here would scan every slug of the org.
        gte(productLookups.value, `${prefix}${base}`),
        lt(productLookups.value, `${prefix}${base}-:`),
        sql`${productLookups.productId} <> ${productId}`,
      ),
    );
  return new Set(rows.map((row) => row.value.slice(prefix.length)));
}
