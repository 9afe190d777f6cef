import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { batch, causedBy, type Database } from "../db/client";
import { events, webhookDeliveries, webhookEndpoints } from "../db/schema";
import { isAppliedAlready, markApplied } from "../idempotency/idempotency.repo";
import { ulidFloor } from "../lib/ids";

export type EventRow = typeof events.$inferSelect;

export const EVENT_TYPES = [
  "product.created",
  "product.updated",
  "product.deleted",
  "product.low_stock",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DELIVERY_OUTCOMES = [
  "ok",
  "http_status",
  "timeout",
  "fetch_failed",
  "blocked_url",
  "dead_lettered",
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * A create's images are written after its product row (they need it), so its `product.created`
 * event, written with the row, is taken again once they are in: the last statement of that batch.
 * The product id is new, so its version-1 event is this create's own.
 */
export const retakeCreatedEvent = (db: Database, productId: string) =>
  db
    .update(events)
    .set({ product: sql`(SELECT snapshot FROM product_event_snapshots WHERE id = ${productId})` })
    .where(and(eq(events.productId, productId), eq(events.productVersion, 1)));

export async function findEvent(db: Database, orgId: string, id: string): Promise<EventRow | undefined> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), eq(events.orgId, orgId)))
    .limit(1);
  return row;
}

/** A page of the org's events, newest first (by id: ULIDs), `limit + 1` rows. */
export function listEvents(
  db: Database,
  orgId: string,
  page: { limit: number; type?: EventType; before?: string },
) {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.orgId, orgId),
        page.type === undefined ? undefined : eq(events.type, page.type),
        page.before === undefined ? undefined : lt(events.id, page.before),
      ),
    )
    .orderBy(desc(events.id))
    .limit(page.limit + 1);
}

/** The org's events no consumer has dispatched yet, oldest first. */
export function undispatchedEvents(db: Database, orgId: string, limit: number) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.orgId, orgId), isNull(events.dispatchedAt)))
    .orderBy(asc(events.id))
    .limit(limit);
}

/** Marks events as handed to their endpoints' deliveries. */
export async function markDispatched(db: Database, ids: string[], at: string): Promise<void> {
  if (ids.length > 0) await db.update(events).set({ dispatchedAt: at }).where(inArray(events.id, ids));
}

/** Orgs with events no consumer has dispatched that were written before `before` (an event id). */
export async function orgsWithUndispatched(db: Database, before: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ orgId: events.orgId })
    .from(events)
    .where(and(isNull(events.dispatchedAt), lt(events.id, before)))
    .limit(1000);
  return rows.map((row) => row.orgId);
}

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

export async function findEndpoint(
  db: Database,
  orgId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
    .limit(1);
  return row;
}

/** The org's endpoints, newest first (by id: ULIDs), at most `limit`, those older than `before`. */
export function listEndpoints(db: Database, orgId: string, limit: number, before?: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.orgId, orgId),
        before === undefined ? undefined : lt(webhookEndpoints.id, before),
      ),
    )
    .orderBy(desc(webhookEndpoints.id))
    .limit(limit);
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

export async function insertDelivery(db: Database, row: DeliveryRow): Promise<void> {
  await db.insert(webhookDeliveries).values(row);
}

/** A page of an endpoint's delivery attempts, newest first, `limit + 1` rows. */
export function listDeliveries(db: Database, endpointId: string, page: { limit: number; before?: string }) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        page.before === undefined ? undefined : lt(webhookDeliveries.id, page.before),
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(page.limit + 1);
}

/** Deletes events and delivery attempts older than `before` (a time), at most `limit` of each. */
export async function deleteOlderThan(db: Database, before: number, limit: number): Promise<number> {
  const eventIds = db
    .select({ id: events.id })
    .from(events)
    .where(lt(events.id, `evt_${ulidFloor(before)}`))
    .limit(limit);
  const deliveryIds = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(lt(webhookDeliveries.id, `del_${ulidFloor(before)}`))
    .limit(limit);
  const [swept] = await db.batch([
    db.delete(events).where(inArray(events.id, eventIds)).returning({ id: events.id }),
    db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, deliveryIds)),
  ]);
  return swept.length;
}
