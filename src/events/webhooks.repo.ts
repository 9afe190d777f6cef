import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { batch, causedBy, type Database, preparedOnce, preparedPerShape, unplanned } from "../db/client";
import { webhookDeliveries, webhookDeliveryStates, webhookEndpoints } from "../db/schema";
import { isAppliedAlready, markApplied } from "../idempotency/idempotency.repo";

// Webhook endpoints, each delivery's state (pending, delivered, dead) and the log of its attempts.
// The events themselves and their dispatch into pending deliveries are events.repo.ts.

export const DELIVERY_OUTCOMES = [
  "ok",
  "http_status",
  "timeout",
  "fetch_failed",
  "blocked_url",
  "dead_lettered",
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect & { outcome: DeliveryOutcome };

/**
 * Inserts the endpoint, with a keyed request's claim (markApplied). A retry of that request gets
 * the endpoint its first run made (the id comes from the claim), or undefined if it was deleted since.
 */
export async function insertEndpoint(
  db: Database,
  row: EndpointRow,
  claimId?: string,
): Promise<EndpointRow | undefined> {
  const insert = db.insert(webhookEndpoints).values(row);
  try {
    await (claimId ? batch(db, [insert, markApplied(db, claimId)]) : insert);
    return row;
  } catch (error) {
    if (
      !claimId ||
      !(causedBy(error, "UNIQUE constraint failed: webhook_endpoints.id") || isAppliedAlready(error))
    )
      throw error;
    return findEndpoint(db, row.orgId, row.id);
  }
}

const endpointById = preparedOnce((db) =>
  db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.id, sql.placeholder("id")),
        eq(webhookEndpoints.orgId, sql.placeholder("orgId")),
      ),
    )
    .limit(1)
    .prepare(),
);

export async function findEndpoint(
  db: Database,
  orgId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  const [row] = await endpointById(db).all({ id, orgId });
  return row;
}

const endpointsPage = preparedPerShape((db, before: boolean) =>
  db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.orgId, unplanned(sql.placeholder("orgId"))),
        before ? lt(webhookEndpoints.id, sql.placeholder("before")) : undefined,
      ),
    )
    .orderBy(desc(webhookEndpoints.id))
    .limit(sql.placeholder("limit"))
    .prepare(),
);

/** The org's endpoints, newest first (by id: ULIDs), at most `limit`, those older than `before`. */
export function listEndpoints(db: Database, orgId: string, limit: number, before?: string) {
  return endpointsPage(db, before !== undefined).all({ orgId, before, limit });
}

/** Deletes the endpoint and its delivery log; false when the org has no such endpoint. */
export async function deleteEndpoint(db: Database, orgId: string, id: string): Promise<boolean> {
  const [deleted] = await db.batch([
    db
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
      .returning({ id: webhookEndpoints.id }),
    db
      .delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.orgId, orgId))),
  ]);
  return deleted.length > 0;
}

export const DELIVERY_STATES = ["pending", "delivered", "dead"] as const;
export type DeliveryStateRow = typeof webhookDeliveryStates.$inferSelect & {
  state: (typeof DELIVERY_STATES)[number];
};

const stateOf = (orgId: string, eventId: string, endpointId: string) =>
  and(
    eq(webhookDeliveryStates.eventId, eventId),
    eq(webhookDeliveryStates.endpointId, endpointId),
    eq(webhookDeliveryStates.orgId, orgId),
  );

export async function findDeliveryState(
  db: Database,
  orgId: string,
  eventId: string,
  endpointId: string,
): Promise<DeliveryStateRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveryStates)
    .where(stateOf(orgId, eventId, endpointId))
    .limit(1);
  return row as DeliveryStateRow | undefined;
}

/**
 * Logs an attempt (and a dead-letter entry, for the last) and writes where the delivery stands
 * after it, in one batch. The state is written only if it is still the pending one with `before`
 * attempts that this attempt read, so a duplicate message never takes a settled delivery back.
 */
export async function recordAttempt(
  db: Database,
  logs: DeliveryRow[],
  next: DeliveryStateRow,
  before: number,
): Promise<void> {
  await db.batch([
    db.insert(webhookDeliveries).values(logs),
    db
      .insert(webhookDeliveryStates)
      .values(next)
      .onConflictDoUpdate({
        target: [webhookDeliveryStates.eventId, webhookDeliveryStates.endpointId],
        set: { state: next.state, attempts: next.attempts, dueAt: next.dueAt },
        setWhere: and(
          sql`${webhookDeliveryStates.state} = 'pending'`,
          eq(webhookDeliveryStates.attempts, before),
        ),
      }),
  ]);
}

/** Drops a delivery whose endpoint or event is gone. */
export async function deleteDeliveryState(
  db: Database,
  orgId: string,
  eventId: string,
  endpointId: string,
): Promise<void> {
  await db.delete(webhookDeliveryStates).where(stateOf(orgId, eventId, endpointId));
}

/**
 * Pending deliveries whose next attempt was due before `dueBefore`, oldest first, at most `limit`
 * (from the partial index of pending rows): each is due again `now`, so it is re-sent once more
 * only if it stays unconfirmed past another grace period. Returns them, to be re-sent.
 */
export function claimOverdueDeliveries(db: Database, dueBefore: number, now: number, limit: number) {
  const overdue = db
    .select({ rowid: sql`rowid` })
    .from(webhookDeliveryStates)
    .where(and(sql`${webhookDeliveryStates.state} = 'pending'`, lt(webhookDeliveryStates.dueAt, dueBefore)))
    .orderBy(asc(webhookDeliveryStates.dueAt))
    .limit(limit);
  return db.update(webhookDeliveryStates).set({ dueAt: now }).where(inArray(sql`rowid`, overdue)).returning({
    orgId: webhookDeliveryStates.orgId,
    eventId: webhookDeliveryStates.eventId,
    endpointId: webhookDeliveryStates.endpointId,
  });
}

/** The delivery states of events older than `before` (an event id), at most `limit` (by the primary key). */
export const deleteDeliveryStatesBefore = (db: Database, before: string, limit: number) =>
  db
    .delete(webhookDeliveryStates)
    .where(
      inArray(
        sql`rowid`,
        db
          .select({ rowid: sql`rowid` })
          .from(webhookDeliveryStates)
          .where(lt(webhookDeliveryStates.eventId, before))
          .limit(limit),
      ),
    );

const deliveriesPage = preparedPerShape((db, before: boolean) =>
  db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, unplanned(sql.placeholder("endpointId"))),
        before ? lt(webhookDeliveries.id, sql.placeholder("before")) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(sql.placeholder("limit"))
    .prepare(),
);

/** A page of an endpoint's delivery attempts, newest first, `limit + 1` rows. */
export function listDeliveries(db: Database, endpointId: string, page: { limit: number; before?: string }) {
  return deliveriesPage(db, page.before !== undefined).all({
    endpointId,
    before: page.before,
    limit: page.limit + 1,
  });
}
