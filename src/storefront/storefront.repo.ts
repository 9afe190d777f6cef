import { and, eq, sql } from "drizzle-orm";
import { type Database, preparedOnce, unplanned } from "../db/client";
import { productLookups, products } from "../db/schema";
import type { ProductRow } from "../products/products.stored";

/** The slug part of a slug lookup value `<locale>:<slug>`, as migration 0009 indexes it. */
const slugOf = sql`substr(${productLookups.value}, instr(${productLookups.value}, ':') + 1)`;

const bySlug = preparedOnce((db) =>
  db
    .select({ products, value: productLookups.value })
    .from(productLookups)
    .innerJoin(products, eq(products.id, productLookups.productId))
    // `kind = 'slug'` written out: a bound parameter would not let SQLite use the partial index.
    .where(
      and(
        eq(productLookups.orgId, unplanned(sql.placeholder("orgId"))),
        sql`${productLookups.kind} = 'slug'`,
        sql`${slugOf} = ${unplanned(sql.placeholder("slug"))}`,
      ),
    )
    .orderBy(productLookups.productId, productLookups.value)
    .limit(50)
    .prepare(),
);

/**
 * The org's products with this slug in some locale, each with that locale, in product id order
 * (the older product first, for a stable winner), then locale: one range of the slug index, read
 * in its own order (a slug is unique per org and locale, so there are at most as many rows as
 * locales).
 */
export async function findBySlug(
  db: Database,
  orgId: string,
  slug: string,
): Promise<{ row: ProductRow; locale: string }[]> {
  const rows = await bySlug(db).all({ orgId, slug });
  return rows.map(({ products: row, value }) => ({ row, locale: value.slice(0, value.indexOf(":")) }));
}
