import { and, eq, sql } from "drizzle-orm";
import { batch, type Database } from "../db/client";
import { products } from "../db/schema";
import { isAppliedAlready, markApplied } from "../idempotency/idempotency.repo";

export type ScanCount = { total_scans: number; last_scanned_at: string };

/** What one scan changes: the count, in the UPDATE itself, so concurrent scans all count. */
const oneScan = (at: string) => ({ totalScans: sql`${products.totalScans} + 1`, lastScannedAt: at });

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
const scannable = (productId: string) =>
  and(eq(products.id, productId), eq(products.status, "active"), sql`${destinationUrl} IS NOT NULL`);

/**
 * A public scan (`GET /s/{id}`): counts it, only for an active product with a destination url, and
 * answers that url, in one UPDATE … RETURNING, so the count is committed before the redirect.
 */
export async function scanToDestination(db: Database, productId: string, at: string) {
  const [row] = await db
    .update(products)
    .set(oneScan(at))
    .where(scannable(productId))
    .returning({ url: destinationUrl });
  return row?.url;
}

/** Where a scan would lead, without counting one (HEAD). */
export async function destinationOf(db: Database, productId: string) {
  const [row] = await db.select({ url: destinationUrl }).from(products).where(scannable(productId)).limit(1);
  return row?.url;
}
