import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { type Database, preparedOnce, preparedPerShape, unplanned } from "../db/client";
import { events, webhookDeliveries, webhookDeliveryStates, webhookEndpoints } from "../db/schema";
import { ulidFloor } from "../lib/ids";
import { deleteDeliveryStatesBefore } from "./webhooks.repo";

export type EventRow = typeof events.$inferSelect;

export const EVENT_TYPES = [
  "product.created",
  "product.updated",
  "product.deleted",
  "product.low_stock",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

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

const eventById = preparedOnce((db) =>
  db
    .select()
    .from(events)
    .where(and(eq(events.id, sql.placeholder("id")), eq(events.orgId, sql.placeholder("orgId"))))
    .limit(1)
    .prepare(),
);

export async function findEvent(db: Database, orgId: string, id: string): Promise<EventRow | undefined> {
  const [row] = await eventById(db).all({ id, orgId });
  return row;
}

/** listEvents' query, built once an isolate per filter shape. */
const eventsPage = preparedPerShape((db, shape: { type: boolean; before: boolean }) =>
  db
    .select()
    .from(events)
    .where(
      and(
        eq(events.orgId, unplanned(sql.placeholder("orgId"))),
        shape.type ? eq(events.type, unplanned(sql.placeholder("type"))) : undefined,
        shape.before ? lt(events.id, sql.placeholder("before")) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(sql.placeholder("limit"))
    .prepare(),
);

/** A page of the org's events, newest first (by id: ULIDs), `limit + 1` rows. */
export function listEvents(
  db: Database,
  orgId: string,
  page: { limit: number; type?: EventType; before?: string },
) {
  return eventsPage(db, { type: page.type !== undefined, before: page.before !== undefined }).all({
    orgId,
    type: page.type,
    before: page.before,
    limit: page.limit + 1,
  });
}

/** The ids of the org's events no consumer has dispatched yet, oldest first. */
export async function undispatchedEventIds(db: Database, orgId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.orgId, unplanned(orgId)), isNull(events.dispatchedAt)))
    .orderBy(asc(events.id))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Whether an endpoint takes an event: its `events` (a JSON array) lists the event's type, or `*`. */
const subscribed = sql`EXISTS (SELECT 1 FROM json_each(${webhookEndpoints.events}) WHERE value IN ('*', ${events.type}))`;

const undispatched = (orgId: string, ids: string[]) =>
  and(eq(events.orgId, orgId), inArray(events.id, ids), isNull(events.dispatchedAt));

/** A pending delivery, due `at`, for each endpoint subscribed to each of the org's undispatched events `ids`. */
export const insertPendingDeliveries = (db: Database, orgId: string, ids: string[], at: number) =>
  db
    .insert(webhookDeliveryStates)
    .select(
      db
        .select({
          eventId: events.id,
          endpointId: webhookEndpoints.id,
          orgId: events.orgId,
          state: sql<string>`'pending'`.as("state"),
          attempts: sql<number>`0`.as("attempts"),
          dueAt: sql<number>`${at}`.as("due_at"),
        })
        .from(events)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.orgId, events.orgId))
        .where(and(undispatched(orgId, ids), subscribed)),
    )
    .onConflictDoNothing()
    .returning({
      orgId: webhookDeliveryStates.orgId,
      eventId: webhookDeliveryStates.eventId,
      endpointId: webhookDeliveryStates.endpointId,
    });

/**
 * Writes the pending deliveries of the org's events `ids` and marks them dispatched, in one
 * transaction: an event is either undispatched or has all its deliveries. Returns the deliveries
 * written; none for an event another dispatch took first. Each statement binds the ids, the org
 * and the time (D1 binds at most 100).
 */
export async function dispatchEvents(db: Database, orgId: string, ids: string[], at: number) {
  if (ids.length === 0) return [];
  const [written] = await db.batch([
    insertPendingDeliveries(db, orgId, ids, at),
    db
      .update(events)
      .set({ dispatchedAt: new Date(at).toISOString() })
      .where(undispatched(orgId, ids)),
  ]);
  return written;
}

/**
 * Orgs with events no consumer has dispatched that were written before `before` (an event id), at
 * most 1000. A skip-scan of the partial index of undispatched events: one index search per org
 * (the next org, then its oldest event), never a walk over an org's backlog.
 */
export async function orgsWithUndispatched(db: Database, before: string): Promise<string[]> {
  const rows = await db.all<{ org_id: string }>(sql`
    WITH RECURSIVE orgs(org_id) AS (
      SELECT ''
      UNION ALL
      SELECT (
        SELECT org_id FROM events WHERE dispatched_at IS NULL AND org_id > orgs.org_id ORDER BY org_id LIMIT 1
      ) FROM orgs WHERE orgs.org_id IS NOT NULL
      LIMIT 1001
    )
    SELECT org_id FROM orgs
    WHERE org_id <> ''
      AND (SELECT min(id) FROM events WHERE org_id = orgs.org_id AND dispatched_at IS NULL) < ${before}`);
  return rows.map((row) => row.org_id);
}

/** Deletes events, their delivery states and attempts older than `before` (a time), at most `limit` of each. */
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
    deleteDeliveryStatesBefore(db, `evt_${ulidFloor(before)}`, limit),
  ]);
  return swept.length;
}
