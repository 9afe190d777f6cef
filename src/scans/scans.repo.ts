import { and, eq, type SQL, sql } from "drizzle-orm";
import { batch, type Database, preparedOnce } from "../db/client";
import { products } from "../db/schema";
import { isAppliedAlready, markApplied } from "../idempotency/idempotency.repo";

export type ScanCount = { total_scans: number; last_scanned_at: string };

/** What one scan changes: the count, in the UPDATE itself, so concurrent scans all count. */
const oneScan = (at: string | SQL) => ({ totalScans: sql`${products.totalScans} + 1`, lastScannedAt: at });

/**
 * Counts a scan of the org's product in one UPDATE (no read-then-write: concurrent scans all count).
 * A keyed one counts once: the claim is recorded in the same batch (markApplied), and a run of a
 * claim that was applied before answers the count as it is.
 */
export async function recordScan(
  db: Database,
  orgId: string,
  productId: string,
  at: string,
  claimId?: string,
): Promise<ScanCount | undefined> {
  const ofProduct = and(eq(products.id, productId), eq(products.orgId, orgId));
  const count = { total_scans: products.totalScans, last_scanned_at: products.lastScannedAt };
  const update = db.update(products).set(oneScan(at)).where(ofProduct).returning(count);
  try {
    const [row] = claimId
      ? ((await batch(db, [update, markApplied(db, claimId)]))[0] as ScanCount[])
      : await update;
    return row as ScanCount | undefined;
  } catch (error) {
    if (!isAppliedAlready(error)) throw error;
    const [row] = await db.select(count).from(products).where(ofProduct).limit(1);
    return row as ScanCount | undefined;
  }
}

const destinationUrl = sql<string>`json_extract(${products.data}, '$.destination.url')`;
const scannable = and(
  eq(products.id, sql.placeholder("id")),
  eq(products.status, "active"),
  sql`${destinationUrl} IS NOT NULL`,
);

const scanOnce = preparedOnce((db) =>
  db
    .update(products)
    .set(oneScan(sql`${sql.placeholder("at")}`))
    .where(scannable)
    .returning({ url: destinationUrl })
    .prepare(),
);

/**
 * A public scan (`GET /s/{id}`): counts it, only for an active product with a destination url, and
 * answers that url, in one UPDATE … RETURNING, so the count is committed before the redirect.
 */
export async function scanToDestination(db: Database, productId: string, at: string) {
  const [row] = await scanOnce(db).all({ id: productId, at });
  return row?.url;
}

const destinationById = preparedOnce((db) =>
  db.select({ url: destinationUrl }).from(products).where(scannable).limit(1).prepare(),
);

/** Where a scan would lead, without counting one (HEAD). */
export async function destinationOf(db: Database, productId: string) {
  const [row] = await destinationById(db).all({ id: productId });
  return row?.url;
}
