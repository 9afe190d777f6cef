import { eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { images, sweepCursors } from "../db/schema";

/** An R2 object this much older than any request can be with no D1 row only if its write failed. */
const STRAY_IMAGE_AGE_MS = 60 * 60 * 1000;
/** R2 list pages (1000 keys each) one run looks at; the next run goes on where this one stopped. */
const SWEEP_PAGES_PER_RUN = 20;

const CURSOR = "r2_images";
// D1 binds at most 100 parameters a statement.
const IDS_PER_QUERY = 100;

/** The keys among `objects` that an image row names (by image id, the key's last segment). */
async function keysWithRows(db: Database, objects: R2Object[]): Promise<Set<string>> {
  const ids = objects.map((object) => object.key.slice(object.key.lastIndexOf("/") + 1));
  const kept = new Set<string>();
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    const rows = await db
      .select({ r2Key: images.r2Key })
      .from(images)
      .where(inArray(images.id, ids.slice(start, start + IDS_PER_QUERY)));
    for (const row of rows) kept.add(row.r2Key);
  }
  return kept;
}

/**
 * Deletes R2 image objects older than an hour that no D1 row names: what a write that died
 * between its R2 put and its cleanup left behind (the contract: no object outlives its row for long).
 * Walks `orgs/` in key order, SWEEP_PAGES_PER_RUN pages a run, resuming where the last run
 * stopped and starting over after the end. Returns how many objects it deleted.
 */
export async function sweepStrayImages(db: Database, bucket: R2Bucket, now: number): Promise<number> {
  const [cursor] = await db.select().from(sweepCursors).where(eq(sweepCursors.name, CURSOR));
  let after = cursor?.after || undefined;
  let deleted = 0;
  for (let page = 0; page < SWEEP_PAGES_PER_RUN; page++) {
    const listed = await bucket.list({ prefix: "orgs/", startAfter: after, limit: 1000 });
    const old = listed.objects.filter((object) => object.uploaded.getTime() < now - STRAY_IMAGE_AGE_MS);
    const kept = await keysWithRows(db, old);
    const stray = old.filter((object) => !kept.has(object.key)).map((object) => object.key);
    if (stray.length > 0) await bucket.delete(stray);
    deleted += stray.length;
    after = listed.truncated ? listed.objects.at(-1)?.key : undefined;
    if (after === undefined) break;
  }
  await db
    .insert(sweepCursors)
    .values({ name: CURSOR, after: after ?? "" })
    .onConflictDoUpdate({ target: sweepCursors.name, set: { after: after ?? "" } });
  return deleted;
}
