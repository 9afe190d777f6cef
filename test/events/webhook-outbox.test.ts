// Deliveries that survive a lost queue message or a crashed consumer: their state is in D1 and the
// per-minute cron re-drives what is undispatched or unconfirmed. A "lost" message is one sent to a
// queue that drops it (what a crash between a commit and its send, or a kill -9 of the consumer,
// leaves behind); the Worker's own fetch, queue and scheduled handlers are called with that queue.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventMessage } from "../../src/events/events.delivery";
import worker from "../../src/index";
import { idTime } from "../../src/lib/ids";
import { EVERY_MINUTE, HOURLY, RESEND_BATCH, RESEND_GRACE_MS, redrive, runCron } from "../../src/scheduled";
import { api, BASE, createKey, createOrg, createProduct, expectError } from "../helpers";

type Hook = { headers: Record<string, string>; body: string; status: number; at: number };
type Delivery = { event_id: string; attempt: number; status_code: number | null; outcome: string };

const RECEIVER = "http://allowed.test:8080";
const MINUTE = 60_000;

/** A queue that loses every message sent to it. */
const lostQueue = {
  send: async () => {},
  sendBatch: async () => {},
} as unknown as Queue<EventMessage>;
const crashed = { ...env, EVENTS: lostQueue } as typeof env;

let hookCount = 0;
const hookName = () => `outbox${Date.now()}-${++hookCount}`;

async function tenant(): Promise<{ orgId: string; key: string }> {
  const orgId = await createOrg();
  return { orgId, key: (await createKey([orgId], ["product.edit", "webhook.manage"])).key };
}

async function createEndpoint(key: string, url: string) {
  const response = await api("/v1/webhook_endpoints", { method: "POST", key, body: { url, events: ["*"] } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

/** A product create through the Worker's fetch handler whose dispatch message is lost. */
async function createLosingDispatch(key: string, name: string): Promise<{ id: string }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE}/v1/products`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    }),
    crashed,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string };
}

/** One message through the Worker's queue handler (the events queue unless told). */
async function consume(body: EventMessage, withEnv: typeof env = crashed, queue = "products-api-events") {
  const batch = createMessageBatch<EventMessage>(queue, [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, withEnv);
  return getQueueResult(batch, ctx);
}

/** A run of the Worker's scheduled handler for `cron` at `at`. */
async function cron(schedule: string, at: number, withEnv: typeof env = env) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: schedule, scheduledTime: at }), withEnv, ctx);
  await waitOnExecutionContext(ctx);
}

const hooksOf = async (name: string) => (await (await fetch(`${RECEIVER}/__hooks/${name}`)).json()) as Hook[];

/** Polls the receiver until `done` holds (or `timeoutMs` passes). */
async function received(name: string, done: (hooks: Hook[]) => boolean, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hooks = await hooksOf(name);
    if (done(hooks) || Date.now() > until) return hooks;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deliveriesOf(key: string, endpointId: string, done: (rows: Delivery[]) => boolean) {
  const until = Date.now() + 20_000;
  for (;;) {
    const response = await api(`/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`, { key });
    expect(response.status).toBe(200);
    const rows = ((await response.json()) as { data: Delivery[] }).data;
    if (done(rows) || Date.now() > until) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function eventOf(key: string, productId: string): Promise<{ id: string }> {
  const response = await api("/v1/events?limit=100", { key });
  const events = ((await response.json()) as { data: { id: string; data: { object: { id: string } } }[] })
    .data;
  const event = events.find((candidate) => candidate.data.object.id === productId);
  expect(event).toBeDefined();
  return event as { id: string };
}

/** The delivery's row in D1 (the sweep's bookkeeping, which no API shows). */
const stateOf = (eventId: string, endpointId: string) =>
  env.DB.prepare(
    "SELECT state, attempts, due_at FROM webhook_delivery_states WHERE event_id = ? AND endpoint_id = ?",
  )
    .bind(eventId, endpointId)
    .first<{ state: string; attempts: number; due_at: number | null }>();

const deliver = (orgId: string, eventId: string, endpointId: string): EventMessage => ({
  kind: "deliver",
  org_id: orgId,
  event_id: eventId,
  endpoint_id: endpointId,
  origin: BASE,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

// Each test waits on queue deliveries (a few, in a busy suite, may take seconds).
describe("the per-minute cron", { timeout: 30_000 }, () => {
  it("sends a delivery whose message was lost, by the second sweep after it was due, with the same webhook-id", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`);
    const product = await createLosingDispatch(shop.key, "Lost in the queue");
    // The dispatch runs and marks the event dispatched; the deliver message it sends is lost.
    const dispatched = await consume({ kind: "dispatch", org_id: shop.orgId, origin: BASE });
    expect(dispatched.explicitAcks).toHaveLength(1);
    const after = Date.now();
    await settle();
    expect(await hooksOf(name)).toEqual([]);

    // Sweeps on the minute marks after the dispatch: the second one is over a minute past its due time.
    const firstMark = Math.ceil((after + 1) / MINUTE) * MINUTE;
    for (const mark of [firstMark, firstMark + MINUTE]) await cron(EVERY_MINUTE, mark);
    const hooks = await received(name, (got) => got.length >= 1);
    expect(hooks).toHaveLength(1);
    const event = await eventOf(shop.key, product.id);
    expect(hooks[0]?.headers["webhook-id"]).toBe(event.id);
    expect((JSON.parse(hooks[0]?.body ?? "{}") as { id: string }).id).toBe(event.id);
    // Signed now, not when the event was written.
    expect(Math.abs(Number(hooks[0]?.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(10);
    const log = await deliveriesOf(shop.key, endpoint.id, (rows) => rows.length >= 1);
    expect(log.map((row) => [row.event_id, row.attempt, row.status_code, row.outcome])).toEqual([
      [event.id, 1, 200, "ok"],
    ]);
  });

  it("re-sends a pending delivery only once its due time plus the grace period has passed", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`);
    const product = await createLosingDispatch(shop.key, "On the edge");
    await consume({ kind: "dispatch", org_id: shop.orgId, origin: BASE });
    const event = await eventOf(shop.key, product.id);
    const state = await stateOf(event.id, endpoint.id);
    expect(state).toMatchObject({ state: "pending", attempts: 0 });
    const due = state?.due_at as number;

    await cron(EVERY_MINUTE, due + RESEND_GRACE_MS);
    await settle();
    expect(await hooksOf(name)).toEqual([]);
    await cron(EVERY_MINUTE, due + RESEND_GRACE_MS + 1);
    expect(await received(name, (got) => got.length >= 1)).toHaveLength(1);
    expect(await stateOf(event.id, endpoint.id)).toEqual({ state: "delivered", attempts: 1, due_at: null });
  });

  it("ends a failing delivery dead after exactly 8 attempts in all, counting those the sweep re-sent", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/down/${name}`);
    const product = await createLosingDispatch(shop.key, "Doomed twice");
    await consume({ kind: "dispatch", org_id: shop.orgId, origin: BASE });
    const event = await eventOf(shop.key, product.id);
    // The first attempt fails; its retry is lost.
    const first = await consume(deliver(shop.orgId, event.id, endpoint.id));
    expect(first.retryMessages).toHaveLength(1);
    expect(await stateOf(event.id, endpoint.id)).toMatchObject({ state: "pending", attempts: 1 });
    // The sweep re-sends it, and that message is lost too; the next sweep's is not.
    const start = Date.now();
    await cron(EVERY_MINUTE, start + 2 * MINUTE, crashed);
    expect(await hooksOf(name)).toHaveLength(1);
    await cron(EVERY_MINUTE, start + 4 * MINUTE);

    const log = await deliveriesOf(shop.key, endpoint.id, (rows) =>
      rows.some((row) => row.outcome === "dead_lettered"),
    );
    expect(log.map((row) => [row.attempt, row.status_code, row.outcome])).toEqual([
      [8, null, "dead_lettered"],
      ...[8, 7, 6, 5, 4, 3, 2, 1].map((attempt) => [attempt, 500, "http_status"]),
    ]);
    expect(await stateOf(event.id, endpoint.id)).toEqual({ state: "dead", attempts: 8, due_at: null });
    // Dead stays dead: neither a later sweep nor a stray message sends a 9th.
    await cron(EVERY_MINUTE, start + 60 * MINUTE);
    expect((await consume(deliver(shop.orgId, event.id, endpoint.id), env)).explicitAcks).toHaveLength(1);
    await settle();
    expect(await received(name, () => true)).toHaveLength(8);
    expect(await deliveriesOf(shop.key, endpoint.id, () => true)).toHaveLength(9);
  });

  it("never re-sends a delivered one", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`);
    const product = await createProduct<{ id: string }>(shop.key, { name: "Delivered" });
    expect(await received(name, (got) => got.length >= 1)).toHaveLength(1);
    const event = await eventOf(shop.key, product.id);
    await deliveriesOf(shop.key, endpoint.id, (rows) => rows.length >= 1);
    expect(await stateOf(event.id, endpoint.id)).toEqual({ state: "delivered", attempts: 1, due_at: null });

    await cron(EVERY_MINUTE, Date.now() + 60 * MINUTE);
    // A duplicate message (one the sweep sent as the queue's own arrived) is acknowledged unsent.
    expect((await consume(deliver(shop.orgId, event.id, endpoint.id), env)).explicitAcks).toHaveLength(1);
    await settle();
    expect(await hooksOf(name)).toHaveLength(1);
    expect(await deliveriesOf(shop.key, endpoint.id, () => true)).toHaveLength(1);
  });

  it("dispatches the events whose dispatch message was lost, of every org, once they are over a minute old", async () => {
    const shops = [await tenant(), await tenant()];
    const names = shops.map(() => hookName());
    const events: { id: string }[] = [];
    for (const [index, shop] of shops.entries()) {
      await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${names[index]}`);
      const product = await createLosingDispatch(shop.key, "Never announced");
      events.push(await eventOf(shop.key, product.id));
    }
    const written = Math.max(...events.map((event) => idTime(event.id)));

    await cron(EVERY_MINUTE, written + MINUTE);
    await settle();
    expect(await hooksOf(names[1] as string)).toEqual([]);
    await cron(EVERY_MINUTE, written + MINUTE + 1);
    for (const [index, name] of names.entries()) {
      const hooks = await received(name, (got) => got.length >= 1);
      expect(hooks.map((hook) => hook.headers["webhook-id"])).toEqual([events[index]?.id]);
    }
  });

  it("drops the deliveries of an endpoint deleted meanwhile: nothing is sent, the row goes", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`);
    const product = await createLosingDispatch(shop.key, "Nobody listens");
    await consume({ kind: "dispatch", org_id: shop.orgId, origin: BASE });
    const event = await eventOf(shop.key, product.id);
    expect(await stateOf(event.id, endpoint.id)).toMatchObject({ state: "pending" });
    const deleted = await api(`/v1/webhook_endpoints/${endpoint.id}`, { method: "DELETE", key: shop.key });
    expect(deleted.status).toBe(200);

    await cron(EVERY_MINUTE, Date.now() + 2 * MINUTE);
    for (let waited = 0; (await stateOf(event.id, endpoint.id)) !== null && waited < 10_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stateOf(event.id, endpoint.id)).toBeNull();
    expect(await hooksOf(name)).toEqual([]);
    await expectError(
      await api(`/v1/webhook_endpoints/${endpoint.id}/deliveries`, { key: shop.key }),
      404,
      "not_found",
    );
  });

  it(`re-sends at most ${RESEND_BATCH} deliveries a run, oldest first; the next run goes on`, async () => {
    const orgId = await createOrg();
    // Overdue rows of an event and endpoint that are gone (written straight into D1): each
    // re-sent message finds nothing to send and drops its row.
    const insert = env.DB.prepare(
      "INSERT INTO webhook_delivery_states (event_id, endpoint_id, org_id, state, attempts, due_at) VALUES (?, ?, ?, 'pending', 0, ?)",
    );
    const endpoints = Array.from({ length: RESEND_BATCH + 1 }, (_, index) => `we_gone${index}`);
    await env.DB.batch(endpoints.map((id, index) => insert.bind("evt_gone", id, orgId, index)));
    const left = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM webhook_delivery_states WHERE org_id = ?")
        .bind(orgId)
        .first<number>("n")) ?? 0;
    const waitFor = async (count: number) => {
      for (let waited = 0; (await left()) !== count && waited < 20_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return left();
    };

    expect((await redrive(env, Date.now())).deliveries_resent).toBe(RESEND_BATCH);
    expect(await waitFor(1)).toBe(1);
    // The one left is the newest due.
    const rest = await env.DB.prepare("SELECT endpoint_id FROM webhook_delivery_states WHERE org_id = ?")
      .bind(orgId)
      .first<string>("endpoint_id");
    expect(rest).toBe(`we_gone${RESEND_BATCH}`);
    expect((await redrive(env, Date.now())).deliveries_resent).toBeGreaterThanOrEqual(1);
    expect(await waitFor(0)).toBe(0);
  });
});

describe("the hourly cron", { timeout: 30_000 }, () => {
  it("does not re-drive (the minute cron does), and sweeps events past 30 days with their deliveries", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`);
    const product = await createLosingDispatch(shop.key, "Old news");
    const event = await eventOf(shop.key, product.id);
    await cron(HOURLY, Date.now() + 2 * MINUTE);
    await settle();
    expect(await hooksOf(name)).toEqual([]);
    await cron(EVERY_MINUTE, Date.now() + 2 * MINUTE);
    expect(await received(name, (got) => got.length >= 1)).toHaveLength(1);
    await deliveriesOf(shop.key, endpoint.id, (rows) => rows.length >= 1);
    expect(await stateOf(event.id, endpoint.id)).toMatchObject({ state: "delivered" });

    await cron(HOURLY, Date.now() + 31 * 24 * 60 * MINUTE);
    await expectError(await api(`/v1/events/${event.id}`, { key: shop.key }), 404, "not_found");
    expect(await stateOf(event.id, endpoint.id)).toBeNull();
    expect(await deliveriesOf(shop.key, endpoint.id, () => true)).toEqual([]);
  });

  it("wrangler.toml's crons are the two the scheduled handler knows, and another is refused", async () => {
    expect(JSON.parse(env.WRANGLER_CRONS)).toEqual([EVERY_MINUTE, HOURLY]);
    await expect(runCron(createScheduledController({ cron: "0 0 * * *" }), env)).rejects.toThrow(
      "No cron job for '0 0 * * *'.",
    );
  });
});
