import { type Database, onPrimary } from "../db/client";
import { newId } from "../lib/ids";
import { checkFetchUrl, parseAllowedHosts } from "../lib/url-safety";
import { toEvent } from "./events.model";
import * as repo from "./events.repo";
import * as webhooks from "./webhooks.repo";

/**
 * What goes through the EVENTS queue. `dispatch`: an org has new events (sent after every product
 * write, and by the cron for events still undispatched). `deliver`: one event to one endpoint, the
 * unit that is retried and, after the last attempt, dead-lettered.
 */
export type EventMessage =
  | { kind: "dispatch"; org_id: string; origin: string }
  | { kind: "deliver"; org_id: string; event_id: string; endpoint_id: string; origin: string };

/**
 * Attempts per delivery, counted in its D1 row (not by the queue, whose count starts again when the
 * cron re-sends it): the 8th failure ends it dead.
 */
export const MAX_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;
/** Events a dispatch takes at once; writing them binds their ids, the org and the time (D1 binds at most 100). */
const DISPATCH_BATCH = 98;

/** Seconds before retry `attempts` (1-based attempts made so far): base, 2 × base, 4 × base, … */
export const retryDelay = (attempts: number, base: number) => Math.min(base * 2 ** (attempts - 1), 43_200);

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the secret's base64 part (Standard Webhooks). */
export async function signature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (char) => char.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

export const newSecret = () =>
  `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

/** Sends the messages in batches of 100, the most one sendBatch takes. */
export async function sendAll(queue: Queue<EventMessage>, messages: EventMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 100) {
    await queue.sendBatch(messages.slice(start, start + 100).map((body) => ({ body })));
  }
}

/** One `deliver` message per (event, endpoint) delivery. */
export function sendDeliveries(
  queue: Queue<EventMessage>,
  deliveries: { orgId: string; eventId: string; endpointId: string }[],
  origin: string,
): Promise<void> {
  return sendAll(
    queue,
    deliveries.map((delivery) => ({
      kind: "deliver",
      org_id: delivery.orgId,
      event_id: delivery.eventId,
      endpoint_id: delivery.endpointId,
      origin,
    })),
  );
}

type Deliver = Extract<EventMessage, { kind: "deliver" }>;

/** The queue consumer: the events queue and its dead-letter queue. */
export function consume(batch: MessageBatch<EventMessage>, env: Env): Promise<void> {
  // On the primary, which has every write.
  return onPrimary(env, (db) => consumeOn(db, batch, env));
}

async function consumeOn(db: Database, batch: MessageBatch<EventMessage>, env: Env): Promise<void> {
  const deadLetters = batch.queue.endsWith("-dlq");
  for (const message of batch.messages) {
    const body = message.body;
    if (deadLetters) {
      if (body.kind === "deliver") await deadLetter(db, body);
      message.ack();
    } else if (body.kind === "dispatch") {
      await dispatch(db, env, body);
      message.ack();
    } else {
      const retryAfter = await deliver(db, env, body, message.attempts);
      if (retryAfter === undefined) message.ack();
      else message.retry({ delaySeconds: retryAfter });
    }
  }
}

/**
 * Writes a pending delivery per subscribed endpoint for the org's undispatched events and marks
 * them dispatched (one batch), then sends a `deliver` message for each. If the sends are lost,
 * the rows stay pending and the per-minute cron re-sends them.
 */
async function dispatch(db: Database, env: Env, message: Extract<EventMessage, { kind: "dispatch" }>) {
  const ids = await repo.undispatchedEventIds(db, message.org_id, DISPATCH_BATCH);
  if (ids.length === 0) return;
  const deliveries = await repo.dispatchEvents(db, message.org_id, ids, Date.now());
  await sendDeliveries(env.EVENTS, deliveries, message.origin);
  if (ids.length === DISPATCH_BATCH) await env.EVENTS.send(message);
}

/**
 * One attempt, logged, and where the delivery stands after it, written to D1. Returns the seconds
 * to wait before the retry, or undefined when the delivery is done with.
 */
async function deliver(
  db: Database,
  env: Env,
  message: Deliver,
  queueAttempts: number,
): Promise<number | undefined> {
  const [event, endpoint, state] = await Promise.all([
    repo.findEvent(db, message.org_id, message.event_id),
    webhooks.findEndpoint(db, message.org_id, message.endpoint_id),
    webhooks.findDeliveryState(db, message.org_id, message.event_id, message.endpoint_id),
  ]);
  // The endpoint was deleted, or the event swept: the delivery is dropped.
  if (!event || !endpoint) {
    if (state) await webhooks.deleteDeliveryState(db, message.org_id, message.event_id, message.endpoint_id);
    return undefined;
  }
  // Delivered or dead already: a re-send that crossed the queue's own retry.
  if (state && state.state !== "pending") return undefined;
  // A message sent before delivery states were written has no row: the queue's count stands in.
  const before = state?.attempts ?? queueAttempts - 1;
  const attempt = before + 1;
  const settle = (logs: Outcome[], next: webhooks.DeliveryStateRow["state"], dueAt: number | null = null) =>
    webhooks.recordAttempt(
      db,
      logs.map((outcome) => logRow(message, attempt, outcome)),
      stateRow(message, next, attempt, dueAt),
      before,
    );
  const check = checkFetchUrl(endpoint.url, parseAllowedHosts(env.IMAGE_FETCH_ALLOWED_HOSTS));
  if ("blocked" in check) {
    await settle([{ statusCode: null, outcome: "blocked_url", durationMs: 0 }], "dead");
    return undefined;
  }
  const body = JSON.stringify(toEvent(event, message.origin));
  const timestamp = Math.floor(Date.now() / 1000);
  const started = Date.now();
  let statusCode: number | null = null;
  let outcome: webhooks.DeliveryOutcome;
  try {
    const response = await fetch(check.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "products-api-webhooks",
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await signature(endpoint.secret, event.id, timestamp, body),
      },
      body,
    });
    await response.body?.cancel();
    statusCode = response.status;
    outcome = statusCode >= 200 && statusCode < 300 ? "ok" : "http_status";
  } catch (error) {
    outcome = error instanceof DOMException && error.name === "TimeoutError" ? "timeout" : "fetch_failed";
  }
  const result = { statusCode, outcome, durationMs: Date.now() - started };
  if (outcome === "ok") {
    await settle([result], "delivered");
    return undefined;
  }
  if (attempt >= MAX_ATTEMPTS) {
    await settle([result, DEAD_LETTERED], "dead");
    return undefined;
  }
  const delaySeconds = retryDelay(attempt, Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? 5));
  await settle([result], "pending", Date.now() + delaySeconds * 1000);
  return delaySeconds;
}

/**
 * The dead-letter queue: the queue gave up on a message whose consumer failed 8 times without
 * finishing an attempt (a finished 8th attempt ends the delivery itself). Ends it dead, unless
 * it is settled already.
 */
async function deadLetter(db: Database, message: Deliver) {
  const state = await webhooks.findDeliveryState(db, message.org_id, message.event_id, message.endpoint_id);
  if (state && state.state !== "pending") return;
  // The attempts made (at least 1, as the log numbers them); a message older than delivery states: 8.
  const attempts = state ? Math.max(state.attempts, 1) : MAX_ATTEMPTS;
  await webhooks.recordAttempt(
    db,
    [logRow(message, attempts, DEAD_LETTERED)],
    stateRow(message, "dead", attempts, null),
    state?.attempts ?? 0,
  );
}

type Outcome = Pick<webhooks.DeliveryRow, "statusCode" | "outcome" | "durationMs">;
const DEAD_LETTERED: Outcome = { statusCode: null, outcome: "dead_lettered", durationMs: 0 };

const logRow = (message: Deliver, attempt: number, outcome: Outcome): webhooks.DeliveryRow => ({
  id: newId("del"),
  orgId: message.org_id,
  endpointId: message.endpoint_id,
  eventId: message.event_id,
  attempt,
  ...outcome,
  createdAt: new Date().toISOString(),
});

const stateRow = (
  message: Deliver,
  state: webhooks.DeliveryStateRow["state"],
  attempts: number,
  dueAt: number | null,
): webhooks.DeliveryStateRow => ({
  eventId: message.event_id,
  endpointId: message.endpoint_id,
  orgId: message.org_id,
  state,
  attempts,
  dueAt,
});
