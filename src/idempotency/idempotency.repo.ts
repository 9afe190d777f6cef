import { and, eq, isNull, lt, sql } from "drizzle-orm";
import { causedBy, type Database } from "../db/client";
import { idempotencyApplied, idempotencyClaims } from "../db/schema";

export type Claim = typeof idempotencyClaims.$inferSelect;

/** What the claim says the request may do. */
export type ClaimOutcome =
  | { owned: Claim }
  | { inUse: true }
  | { reused: true }
  /** Done: the stored response is in KV (or, if KV lost it, running the request again finds its write). */
  | { done: Claim };

const where = (claim: Pick<Claim, "scope" | "key">) =>
  and(eq(idempotencyClaims.scope, claim.scope), eq(idempotencyClaims.key, claim.key));

/**
 * Takes the claim for (scope, key), or says why not. Every step is one conditional statement, so
 * of any number of concurrent requests exactly one owns the claim at a time.
 */
export async function takeClaim(
  db: Database,
  wanted: Claim,
  limits: { lifetimeMs: number; lockMs: number },
): Promise<ClaimOutcome> {
  const now = wanted.createdAt;
  const [inserted] = await db.insert(idempotencyClaims).values(wanted).onConflictDoNothing().returning();
  if (inserted) return { owned: inserted };

  const [current] = await db.select().from(idempotencyClaims).where(where(wanted)).limit(1);
  if (!current) return { inUse: true }; // swept between the two statements: the client retries

  if (current.createdAt + limits.lifetimeMs <= now) {
    // Past its lifetime the key is new again.
    const [renewed] = await db
      .update(idempotencyClaims)
      .set({
        fingerprint: wanted.fingerprint,
        claimId: wanted.claimId,
        createdAt: now,
        lockedUntil: wanted.lockedUntil,
      })
      .where(and(where(wanted), eq(idempotencyClaims.claimId, current.claimId)))
      .returning();
    return renewed ? { owned: renewed } : { inUse: true };
  }
  if (current.fingerprint !== wanted.fingerprint) return { reused: true };
  if (current.lockedUntil === null) return { done: current };
  if (current.lockedUntil > now) return { inUse: true };

  // The request that held it died: take it over, keeping its claim id (and so what it created).
  return relock(db, current, now + limits.lockMs);
}

/** Locks a claim that is done or whose holder died, if nobody else did in between. */
export async function relock(db: Database, current: Claim, lockedUntil: number): Promise<ClaimOutcome> {
  const [relocked] = await db
    .update(idempotencyClaims)
    .set({ lockedUntil })
    .where(
      and(
        where(current),
        eq(idempotencyClaims.claimId, current.claimId),
        current.lockedUntil === null
          ? isNull(idempotencyClaims.lockedUntil)
          : eq(idempotencyClaims.lockedUntil, current.lockedUntil),
      ),
    )
    .returning();
  return relocked ? { owned: relocked } : { inUse: true };
}

/** The response is stored: the claim is done. */
export async function completeClaim(db: Database, claim: Claim): Promise<void> {
  await db
    .update(idempotencyClaims)
    .set({ lockedUntil: null })
    .where(and(where(claim), eq(idempotencyClaims.claimId, claim.claimId)));
}

/** The request ended before its handler ran (or with a response that is not stored): the key is free. */
export async function releaseClaim(db: Database, claim: Claim): Promise<void> {
  await db.delete(idempotencyClaims).where(and(where(claim), eq(idempotencyClaims.claimId, claim.claimId)));
}

/** The cron sweep: claims past their lifetime. */
export async function deleteExpiredClaims(db: Database, before: number): Promise<number> {
  const result = await db.delete(idempotencyClaims).where(lt(idempotencyClaims.createdAt, before)).run();
  return result.meta.changes;
}

/**
 * The statement that records a keyed write as applied, for its batch, right after the statement
 * that applies it: it inserts only if that statement changed a row (`changes()`), and a claim
 * that was applied already makes it fail, which rolls the whole batch back (isAppliedAlready).
 */
export const markApplied = (db: Database, claimId: string) =>
  db.insert(idempotencyApplied).select(
    db
      .select({ claimId: sql<string>`${claimId}`.as("claim_id"), answer: sql<null>`NULL`.as("answer") })
      .from(sql`(SELECT 1)`)
      .where(sql`changes() > 0`),
  );

/** The batch failed because its claim's write was applied before (by an earlier run of the request). */
export const isAppliedAlready = (error: unknown) =>
  causedBy(error, "UNIQUE constraint failed: idempotency_applied.claim_id");

/** A create's answer that the current state cannot give again (an API key's secret), kept for its retries. */
export const keepAnswer = (db: Database, claimId: string, answer: string) =>
  db.insert(idempotencyApplied).values({ claimId, answer });

/** The record of this claim's applied write, if any (read only on a write's rare paths). */
export async function findApplied(
  db: Database,
  claimId: string,
): Promise<{ answer: string | null } | undefined> {
  const [row] = await db
    .select({ answer: idempotencyApplied.answer })
    .from(idempotencyApplied)
    .where(eq(idempotencyApplied.claimId, claimId))
    .limit(1);
  return row;
}

/** The cron sweep: applied records of claims older than `beforeClaimId` (a ULID floor of the cutoff). */
export async function deleteExpiredApplied(db: Database, beforeClaimId: string): Promise<number> {
  const result = await db
    .delete(idempotencyApplied)
    .where(lt(idempotencyApplied.claimId, beforeClaimId))
    .run();
  return result.meta.changes;
}
