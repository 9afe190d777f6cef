import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { batch, type Database, preparedOnce } from "../db/client";
import { images, products } from "../db/schema";
import { markApplied } from "../idempotency/idempotency.repo";
import type { ProductRow } from "../products/products.stored";

export type ImageRow = typeof images.$inferSelect;

/** Where an image's bytes live in R2 (the contract, Images). */
export const imageKey = (orgId: string, productId: string, imageId: string) =>
  `orgs/${orgId}/products/${productId}/${imageId}`;

const imageById = preparedOnce((db) =>
  db
    .select()
    .from(images)
    .where(eq(images.id, sql.placeholder("id")))
    .limit(1)
    .prepare(),
);

/** GET /images/{id} is public: the id alone finds the image. */
export async function findImageById(db: Database, id: string): Promise<ImageRow | undefined> {
  const [row] = await imageById(db).all({ id });
  return row;
}

const atVersion = (orgId: string, productId: string, version: number) =>
  and(eq(products.id, productId), eq(products.orgId, orgId), eq(products.version, version));

/** The product's version bump that goes with every image change, in the same batch. */
const bumpProduct = (db: Database, change: ImageChange) =>
  db
    .update(products)
    .set({ version: sql`${products.version} + 1`, updatedAt: change.updatedAt, updatedBy: change.updatedBy })
    .where(atVersion(change.orgId, change.productId, change.version))
    .returning();

/** The image, if its product is still at the change's version. */
const imageOfProductAt = (imageId: string, change: ImageChange) =>
  and(
    eq(images.id, imageId),
    eq(images.productId, change.productId),
    sql`EXISTS (SELECT 1 FROM ${products} WHERE ${atVersion(change.orgId, change.productId, change.version)})`,
  );

type ImageChange = {
  orgId: string;
  productId: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  /** A keyed request's claim, recorded with the change (markApplied). */
  claimId?: string;
};

/**
 * The statement that inserts `image` only where `productWhere` finds its product (INSERT … SELECT
 * from the product row: no row, no insert). In a batch with the product's own write under the same
 * condition, both see the same row, so both or neither apply.
 */
export function insertImage(db: Database, image: ImageRow, productWhere: SQL | undefined) {
  const value = <T>(name: keyof ImageRow, v: T) => sql<T>`${v}`.as(name);
  return db.insert(images).select(
    db
      .select({
        id: value("id", image.id),
        orgId: value("orgId", image.orgId),
        productId: value("productId", image.productId),
        r2Key: value("r2Key", image.r2Key),
        sourceUrl: value("sourceUrl", image.sourceUrl),
        contentType: value("contentType", image.contentType),
        sizeBytes: value("sizeBytes", image.sizeBytes),
        width: value("width", image.width),
        height: value("height", image.height),
        orientation: value("orientation", image.orientation),
        sha256: value("sha256", image.sha256),
        alt: value("alt", image.alt),
        position: value("position", image.position),
        createdAt: value("createdAt", image.createdAt),
      })
      .from(products)
      .where(productWhere),
  );
}

/**
 * The image statements and the product's version bump in one batch, then a keyed request's claim
 * record (markApplied: a second run of the claim fails with isAppliedAlready). The product as
 * bumped, or undefined when it is no longer at the change's version.
 */
async function withBump(db: Database, statements: BatchItem<"sqlite">[], change: ImageChange) {
  const results = await batch(db, [
    ...statements,
    bumpProduct(db, change),
    ...(change.claimId ? [markApplied(db, change.claimId)] : []),
  ]);
  return (results[statements.length] as ProductRow[])[0];
}

/**
 * Adds images and bumps the product's version in one batch, only if the product is still at `version`.
 * Fires: images_after_insert, then products_event_update.
 */
export function addImages(
  db: Database,
  rows: ImageRow[],
  change: ImageChange,
): Promise<ProductRow | undefined> {
  const where = atVersion(change.orgId, change.productId, change.version);
  return withBump(
    db,
    rows.map((image) => insertImage(db, image, where)),
    change,
  );
}

/**
 * Changes an image's alt and position with the product's version bump, as addImage does.
 * Fires: images_after_update, then products_event_update.
 */
export function updateImage(
  db: Database,
  imageId: string,
  values: { alt?: string | null; position?: number },
  change: ImageChange,
): Promise<ProductRow | undefined> {
  return withBump(db, [db.update(images).set(values).where(imageOfProductAt(imageId, change))], change);
}

/** Deletes an image with the product's version bump. Fires: images_after_delete, then products_event_update. */
export function deleteImage(
  db: Database,
  imageId: string,
  change: ImageChange,
): Promise<ProductRow | undefined> {
  return withBump(db, [db.delete(images).where(imageOfProductAt(imageId, change))], change);
}
