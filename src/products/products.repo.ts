import { and, eq, inArray, sql } from "drizzle-orm";
import { batch, causedBy, type Database, lastRow, preparedOnce } from "../db/client";
import { orgProductNumbers, productLookups, products } from "../db/schema";
import { retakeCreatedEvent } from "../events/events.repo";
import { findApplied, isAppliedAlready, markApplied } from "../idempotency/idempotency.repo";
import { type ImageRow, insertImage } from "../images/images.repo";
import type { VersionCondition } from "../shared/http";
import { type Duplicate, findDuplicate } from "./products.lookups";
import type { ProductFields, ProductRow } from "./products.stored";

export type WriteResult =
  | { row: ProductRow }
  | { notFound: true }
  /** The product moved on: `current` is the row as the miss found it. */
  | { versionMismatch: number; current: ProductRow }
  | { duplicate: Duplicate }
  | { relatedMissing: true };

const isUniqueViolation = (error: unknown, index: "product_lookups" | "products.id" = "product_lookups") =>
  causedBy(error, `UNIQUE constraint failed: ${index}`);

/** Raised by migration 0006's triggers: a related id names no product of the org (any more). */
const isRelatedMissing = (error: unknown) => causedBy(error, "related_product_missing");

/** The org's next product number, taken in the insert's batch (rolled back with it on a failure). */
const takeNumber = (db: Database, orgId: string) =>
  db
    .insert(orgProductNumbers)
    .values({ orgId, last: 1 })
    .onConflictDoUpdate({
      target: orgProductNumbers.orgId,
      set: { last: sql`${orgProductNumbers.last} + 1` },
    });

/**
 * Inserts the product with the org's next number and, in the same batch, its first images (their
 * bytes already in R2), then reads the row back so that it shows them.
 * Fires: products_related_check_insert, products_after_insert, products_event_insert, images_after_insert.
 */
export async function insertProduct(
  db: Database,
  values: {
    id: string;
    orgId: string;
    fields: ProductFields;
    createdAt: string;
    createdBy: string;
    /** A keyed request's claim (the id comes from it): recorded with the insert (markApplied). */
    claimId?: string;
  },
  newImages: ImageRow[] = [],
): Promise<WriteResult> {
  const insert = db
    .insert(products)
    .values({
      id: values.id,
      orgId: values.orgId,
      status: values.fields.status,
      type: values.fields.type,
      data: JSON.stringify(values.fields),
      version: 1,
      createdAt: values.createdAt,
      updatedAt: values.createdAt,
      createdBy: values.createdBy,
      updatedBy: values.createdBy,
      number: sql`(SELECT ${orgProductNumbers.last} FROM ${orgProductNumbers} WHERE ${orgProductNumbers.orgId} = ${values.orgId})`,
    })
    .returning();
  const claimed = values.claimId ? [markApplied(db, values.claimId)] : [];
  const numbered = takeNumber(db, values.orgId);
  try {
    if (newImages.length === 0) {
      const [row] = (await batch(db, [numbered, insert, ...claimed]))[1] as ProductRow[];
      return { row: row as ProductRow };
    }
    const where = and(eq(products.id, values.id), eq(products.orgId, values.orgId));
    const row = lastRow<ProductRow>(
      await batch(db, [
        numbered,
        insert,
        ...claimed,
        ...newImages.map((image) => insertImage(db, image, where)),
        retakeCreatedEvent(db, values.id),
        db.select().from(products).where(where),
      ]),
    );
    return { row: row as ProductRow };
  } catch (error) {
    if (isUniqueViolation(error, "products.id")) {
      // The id came from an idempotency claim: an earlier run of this request created it.
      const existing = await findProduct(db, values.orgId, values.id);
      if (existing) return { row: existing };
    }
    // An earlier run created it, and it was deleted since: it is not made again.
    if (isAppliedAlready(error)) return { notFound: true };
    if (isRelatedMissing(error)) return { relatedMissing: true };
    if (!isUniqueViolation(error)) throw error;
    return { duplicate: await findDuplicate(db, values.orgId, values.id, values.fields) };
  }
}

const productById = preparedOnce((db) =>
  db
    .select()
    .from(products)
    .where(and(eq(products.id, sql.placeholder("id")), eq(products.orgId, sql.placeholder("orgId"))))
    .limit(1)
    .prepare(),
);

export async function findProduct(db: Database, orgId: string, id: string): Promise<ProductRow | undefined> {
  const [row] = await productById(db).all({ id, orgId });
  return row;
}

const productByNumber = preparedOnce((db) =>
  db
    .select()
    .from(products)
    .where(and(eq(products.orgId, sql.placeholder("orgId")), eq(products.number, sql.placeholder("number"))))
    .limit(1)
    .prepare(),
);

/** The org's product with this number (products_org_number_unique): the Wethod dialect's id. */
export async function findProductByNumber(
  db: Database,
  orgId: string,
  number: number,
): Promise<ProductRow | undefined> {
  const [row] = await productByNumber(db).all({ orgId, number });
  return row;
}

function versionFilter(condition: VersionCondition) {
  if (condition === undefined || condition === "any") return undefined;
  if (condition.versions.length === 1) return eq(products.version, condition.versions[0] as number);
  // An If-Match list binds one parameter, however long (D1 binds at most 100 a statement).
  return sql`${products.version} IN (SELECT value FROM json_each(${JSON.stringify(condition.versions)}))`;
}

const satisfies = (condition: VersionCondition, version: number) =>
  typeof condition !== "object" || condition.versions.includes(version);

/**
 * Why a conditional write matched no row: the product is gone (or another org's), it is at
 * another version, or the write would change nothing (then the current row is the answer).
 */
async function explainMiss(
  db: Database,
  orgId: string,
  id: string,
  condition: VersionCondition,
  data?: string,
): Promise<WriteResult> {
  const current = await findProduct(db, orgId, id);
  if (!current) return { notFound: true };
  // With no version asked for, an update can only miss by changing nothing: the row (as now) is the answer.
  if (data !== undefined && typeof condition !== "object") return { row: current };
  if (data === current.data && satisfies(condition, current.version)) return { row: current };
  return { versionMismatch: current.version, current };
}

/**
 * Replaces the writable fields in one conditional UPDATE: never a read-then-write. A write that
 * changes nothing keeps the version (and so the ETag) and updated_at as they were. New images
 * (their bytes already in R2) are inserted in the same batch under the same condition, before the
 * UPDATE that bumps the version, so both or neither apply. With a claim id, a second run of the
 * claim fails with isAppliedAlready (its caller answers the product as it is).
 * Fires: products_related_check_update, products_lookups_after_update, products_fts_after_update,
 * products_event_update, products_event_low_stock, products_event_variant_low_stock, images_after_insert.
 */
export async function updateProduct(
  db: Database,
  values: {
    id: string;
    orgId: string;
    fields: ProductFields;
    updatedAt: string;
    updatedBy: string;
    /** A keyed request's claim: recorded with the write, which then applies once (markApplied). */
    claimId?: string;
  },
  condition: VersionCondition,
  newImages: ImageRow[] = [],
): Promise<WriteResult> {
  const data = JSON.stringify(values.fields);
  const where = and(eq(products.id, values.id), eq(products.orgId, values.orgId), versionFilter(condition));
  const update = db
    .update(products)
    .set({
      status: values.fields.status,
      type: values.fields.type,
      data,
      version: sql`${products.version} + 1`,
      updatedAt: values.updatedAt,
      updatedBy: values.updatedBy,
    })
    .where(newImages.length > 0 ? where : and(where, sql`${products.data} IS NOT ${data}`))
    .returning();
  const statements = [
    ...newImages.map((image) => insertImage(db, image, where)),
    update,
    ...(values.claimId ? [markApplied(db, values.claimId)] : []),
  ];
  try {
    const results = statements.length === 1 ? [await update] : await batch(db, statements);
    const row = (results[newImages.length] as ProductRow[])[0];
    return row ? { row } : explainMiss(db, values.orgId, values.id, condition, data);
  } catch (error) {
    if (isRelatedMissing(error)) return { relatedMissing: true };
    if (!isUniqueViolation(error)) throw error;
    return { duplicate: await findDuplicate(db, values.orgId, values.id, values.fields) };
  }
}

export type AdjustResult =
  | { row: ProductRow }
  | { notFound: true }
  | { versionMismatch: number }
  | { untracked: true }
  | { insufficient: number }
  | { outOfRange: number };

/**
 * Adds `delta` to inventory.quantity in one conditional UPDATE (never a read-then-write), so that
 * concurrent adjustments all count: only while stock is tracked per product, and only if the result
 * stays at or above 0 (unless backorders are allowed) and within ±maxQuantity. The same statement
 * notes `{version, delta, reason}` on the row, for the events its triggers write. A keyed one is
 * applied once: the claim is recorded in the same batch (markApplied).
 * Fires: products_lookups_after_update, products_fts_after_update, products_event_update,
 * products_event_low_stock.
 */
export async function adjustInventory(
  db: Database,
  values: {
    id: string;
    orgId: string;
    delta: number;
    reason: string | null;
    updatedAt: string;
    updatedBy: string;
    /** A keyed request's claim: recorded with the adjustment, which then applies once. */
    claimId?: string;
  },
  condition: VersionCondition,
  maxQuantity: number,
): Promise<AdjustResult> {
  const quantity = sql`json_extract(${products.data}, '$.inventory.quantity')`;
  const update = db
    .update(products)
    .set({
      data: sql`json_set(${products.data}, '$.inventory.quantity', ${quantity} + ${values.delta})`,
      version: sql`${products.version} + 1`,
      adjustment: sql`json_object('version', ${products.version} + 1, 'delta', ${values.delta}, 'reason', ${values.reason})`,
      updatedAt: values.updatedAt,
      updatedBy: values.updatedBy,
    })
    .where(
      and(
        eq(products.id, values.id),
        eq(products.orgId, values.orgId),
        versionFilter(condition),
        sql`json_extract(${products.data}, '$.inventory.tracking') = 'product'`,
        sql`(json_extract(${products.data}, '$.inventory.allow_backorder') OR ${quantity} + ${values.delta} >= 0)`,
        sql`abs(${quantity} + ${values.delta}) <= ${maxQuantity}`,
      ),
    )
    .returning();
  const { claimId } = values;
  let row: ProductRow | undefined;
  try {
    [row] = claimId
      ? ((await batch(db, [update, markApplied(db, claimId)]))[0] as ProductRow[])
      : await update;
  } catch (error) {
    if (!isAppliedAlready(error)) throw error;
  }
  if (row) return { row };
  // Why not: read the row as it is now (a miss is the rare path). A keyed adjustment that an
  // earlier run applied answers the product as it is, whatever its stock or version now.
  const current = await findProduct(db, values.orgId, values.id);
  if (!current) return { notFound: true };
  if (claimId && (await findApplied(db, claimId))) return { row: current };
  if (!satisfies(condition, current.version)) return { versionMismatch: current.version };
  const inventory = (JSON.parse(current.data) as { inventory?: { tracking: string; quantity: number } })
    .inventory;
  if (inventory?.tracking !== "product") return { untracked: true };
  if (Math.abs(inventory.quantity + values.delta) > maxQuantity) return { outOfRange: inventory.quantity };
  return { insufficient: inventory.quantity };
}

/**
 * A deleted product leaves the related_product_ids of every product of its org that named it (a new
 * version of each, so a product.updated event each), in the delete's batch: only once it is gone.
 */
function leaveRelatedLists(db: Database, orgId: string, id: string) {
  const naming = db
    .select({ productId: productLookups.productId })
    .from(productLookups)
    .where(
      and(eq(productLookups.orgId, orgId), eq(productLookups.kind, "related"), eq(productLookups.value, id)),
    );
  return db
    .update(products)
    .set({
      data: sql`json_set(${products.data}, '$.related_product_ids', json((SELECT json_group_array(value) FROM json_each(${products.data}, '$.related_product_ids') WHERE value <> ${id})))`,
      version: sql`${products.version} + 1`,
      updatedAt: sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    })
    .where(
      and(
        inArray(products.id, naming),
        sql`NOT EXISTS (SELECT 1 FROM products AS gone WHERE gone.id = ${id})`,
      ),
    );
}

/**
 * Deletes the product if it is at the version asked for, and takes it out of the related lists
 * that named it in the same batch.
 * Fires: products_event_delete, products_after_delete, products_images_after_delete (then
 * images_after_delete); for each product whose list it left, the update triggers (updateProduct).
 */
export async function deleteProduct(
  db: Database,
  orgId: string,
  id: string,
  condition: VersionCondition,
): Promise<{ deleted: ProductRow } | { notFound: true } | { versionMismatch: number }> {
  const remove = db
    .delete(products)
    .where(and(eq(products.id, id), eq(products.orgId, orgId), versionFilter(condition)))
    .returning();
  const [row] = (await batch(db, [remove, leaveRelatedLists(db, orgId, id)]))[0] as ProductRow[];
  if (row) return { deleted: row };
  const miss = await explainMiss(db, orgId, id, condition);
  return "versionMismatch" in miss ? miss : { notFound: true };
}
