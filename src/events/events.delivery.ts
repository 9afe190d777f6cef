import { createDb, type Database, newDbStats } from "../db/client";
import { newId } from "../lib/ids";
import { checkFetchUrl, parseAllowedHosts } from "../lib/url-safety";
import { toEvent } from "./events.model";
import * as repo from "./events.repo";

/**
 * What goes through the EVENTS queue. `dispatch`: an org has new events (sent after every product
 * write, and by the cron for events still undispatched). `deliver`: one event to one endpoint, the
 * unit that is retried and, after the last attempt, dead-lettered.
 */
export type EventMessage =
  | { kind: "dispatch"; org_id: string; origin: string }
  | { kind: "deliver"; org_id: string; event_id: string; endpoint_id: string; origin: string };

/** Attempts per delivery: the first and 7 retries (`max_retries` in wrangler.toml). */
export const MAX_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;
/** Events a dispatch takes at once; marking them binds their ids and the time (D1 binds at most 100). */
const DISPATCH_BATCH = 99;

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

const subscribed = (endpoint: repo.EndpointRow, type: string) =>
  endpoint.events.includes("*") || endpoint.events.includes(type);

/** The queue consumer: the events queue and its dead-letter queue. */
export async function consume(batch: MessageBatch<EventMessage>, env: Env): Promise<void> {
  const session = env.DB.withSession("first-primary");
  const db = createDb(() => session, newDbStats());
  const deadLetters = batch.queue.endsWith("-dlq");
  for (const message of batch.messages) {
    const body = message.body;
    if (deadLetters) {
      if (body.kind === "deliver") await record(db, body, MAX_ATTEMPTS, null, "dead_lettered", 0);
      message.ack();
    } else if (body.kind === "dispatch") {
      await dispatch(db, env, body);
      message.ack();
    } else if (await deliver(db, env, body, message.attempts)) {
      message.ack();
    } else {
      message.retry({
        delaySeconds: retryDelay(message.attempts, Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? 5)),
      });
    }
  }
}

/**
 * Turns the org's undispatched events into one `deliver` message per subscribed endpoint, then
 * marks them dispatched (in that order: a consumer that dies in between sends them again, never
 * loses them; a receiver may see an event twice and tells by `webhook-id`).
 */
async function dispatch(db: Database, env: Env, message: Extract<EventMessage, { kind: "dispatch" }>) {
  const pending = await repo.undispatchedEvents(db, message.org_id, DISPATCH_BATCH);
  if (pending.length === 0) return;
  const endpoints = await repo.listEndpoints(db, message.org_id, 1000);
  const deliveries = pending.flatMap((event) =>
    endpoints
      .filter((endpoint) => subscribed(endpoint, event.type))
      .map(
        (endpoint): EventMessage => ({
          kind: "deliver",
          org_id: message.org_id,
          event_id: event.id,
          endpoint_id: endpoint.id,
          origin: message.origin,
        }),
      ),
  );
  await sendAll(env.EVENTS, deliveries);
  await repo.markDispatched(
    db,
    pending.map((event) => event.id),
    new Date().toISOString(),
  );
  if (pending.length === DISPATCH_BATCH) await env.EVENTS.send(message);
}

/** One attempt; true when it is done with (delivered, or nothing left to deliver to). */
async function deliver(
  db: Database,
  env: Env,
  message: Extract<EventMessage, { kind: "deliver" }>,
  attempt: number,
): Promise<boolean> {
  const [event, endpoint] = await Promise.all([
    repo.findEvent(db, message.org_id, message.event_id),
    repo.findEndpoint(db, message.org_id, message.endpoint_id),
  ]);
  // The endpoint was deleted, or the event swept: nothing to send.
  if (!event || !endpoint) return true;
  const check = checkFetchUrl(endpoint.url, parseAllowedHosts(env.IMAGE_FETCH_ALLOWED_HOSTS));
  if ("blocked" in check) {
    await record(db, message, attempt, null, "blocked_url", 0);
    return true;
  }
  const body = JSON.stringify(toEvent(event, message.origin));
  const timestamp = Math.floor(Date.now() / 1000);
  const started = Date.now();
  let status: number | null = null;
  let outcome: "ok" | "http_status" | "timeout" | "fetch_failed";
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
    status = response.status;
    outcome = status >= 200 && status < 300 ? "ok" : "http_status";
  } catch (error) {
    outcome = error instanceof DOMException && error.name === "TimeoutError" ? "timeout" : "fetch_failed";
  }
  await record(db, message, attempt, status, outcome, Date.now() - started);
  return outcome === "ok";
}

function record(
  db: Database,
  message: Extract<EventMessage, { kind: "deliver" }>,
  attempt: number,
  statusCode: number | null,
  outcome: repo.DeliveryRow["outcome"],
  durationMs: number,
) {
  return repo.insertDelivery(db, {
    id: newId("del"),
    orgId: message.org_id,
    endpointId: message.endpoint_id,
    eventId: message.event_id,
    attempt,
    statusCode,
    outcome,
    durationMs,
    createdAt: new Date().toISOString(),
  });
}
