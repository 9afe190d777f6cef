import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { redrive, sweep } from "../../src/scheduled";
import { bytesOf, IMAGES } from "../fixtures/images";
import { api, createKey, createOrg, createProduct, expectError, expectFailures } from "../helpers";

type Event = {
  id: string;
  object: string;
  type: string;
  created_at: string;
  data: {
    object: { id: string; version: number; name: string; images: unknown[] };
    changed_fields?: string[];
    adjustment?: { delta: number; reason: string | null };
  };
};
type Delivery = {
  event_id: string;
  attempt: number;
  status_code: number | null;
  outcome: string;
  duration_ms: number;
};
type Hook = { headers: Record<string, string>; body: string; status: number; at: number };

const RECEIVER = "http://allowed.test:8080";

/** An org with a key that edits products and manages webhooks. */
async function tenant(): Promise<{ orgId: string; key: string }> {
  const orgId = await createOrg();
  return { orgId, key: (await createKey([orgId], ["product.edit", "webhook.manage"])).key };
}
let hookCount = 0;
const hookName = () => `h${Date.now()}-${++hookCount}`;

async function eventsOf(key: string, query = ""): Promise<Event[]> {
  const response = await api(`/v1/events${query}`, { key });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { data: Event[] }).data;
}

async function createEndpoint(key: string, url: string, events: string[] = ["*"]) {
  const response = await api("/v1/webhook_endpoints", { method: "POST", key, body: { url, events } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; secret: string; url: string };
}

/** Polls the receiver until `done` holds for what it got (deliveries run in the queue consumer). */
async function received(name: string, done: (hooks: Hook[]) => boolean, timeoutMs = 20_000): Promise<Hook[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hooks = (await (await fetch(`${RECEIVER}/__hooks/${name}`)).json()) as Hook[];
    if (done(hooks) || Date.now() > until) return hooks;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function deliveriesOf(key: string, endpointId: string, done: (rows: Delivery[]) => boolean) {
  const until = Date.now() + 30_000;
  for (;;) {
    const response = await api(`/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`, { key });
    const rows = ((await response.json()) as { data: Delivery[] }).data;
    if (done(rows) || Date.now() > until) return rows;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The Standard Webhooks check, written here from the specification rather than taken from the
 * Worker: HMAC-SHA256 over `id.timestamp.body` with the base64-decoded part of `whsec_…`.
 */
async function verifies(secret: string, hook: Hook): Promise<boolean> {
  const id = hook.headers["webhook-id"];
  const timestamp = hook.headers["webhook-timestamp"];
  const signatures = (hook.headers["webhook-signature"] ?? "").split(" ");
  if (!id || !timestamp) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const raw = Uint8Array.from(atob(secret.slice("whsec_".length)), (char) => char.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${hook.body}`);
  for (const entry of signatures) {
    const [version, value] = entry.split(",");
    if (version !== "v1" || !value) continue;
    const mac = Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return true;
  }
  return false;
}

describe("events", () => {
  let shop: { orgId: string; key: string };

  beforeAll(async () => {
    shop = await tenant();
  });

  it("are written for every kind of change, with the changed fields", async () => {
    const product = await createProduct<{ id: string }>(shop.key, {
      name: "Lamp",
      inventory: { tracking: "product", quantity: 5, low_stock_threshold: 3 },
    });
    const patch = (body: unknown) =>
      api(`/v1/products/${product.id}`, { method: "PATCH", key: shop.key, body });
    expect((await patch({ name: "Desk lamp", tags: ["light"] })).status).toBe(200);
    const upload = await api(`/v1/products/${product.id}/images`, {
      method: "POST",
      key: shop.key,
      body: bytesOf(IMAGES.png),
      headers: { "Content-Type": "image/png" },
    });
    expect(upload.status).toBe(200);
    const adjust = await api(`/v1/products/${product.id}/inventory_adjustments`, {
      method: "POST",
      key: shop.key,
      body: { delta: -3 },
    });
    expect(adjust.status).toBe(200);
    expect((await api(`/v1/products/${product.id}`, { method: "DELETE", key: shop.key })).status).toBe(200);

    // Two events of one change (an update and low_stock) may share a millisecond: order by version, then type.
    const all = (await eventsOf(shop.key))
      .filter((event) => event.data.object.id === product.id)
      .sort((a, b) => a.data.object.version - b.data.object.version || a.type.localeCompare(b.type));
    expect(all.map((event) => [event.type, event.data.object.version, event.data.changed_fields])).toEqual([
      ["product.created", 1, undefined],
      ["product.updated", 2, ["name", "tags"]],
      ["product.updated", 3, ["images"]],
      ["product.deleted", 4, undefined],
      ["product.low_stock", 4, undefined],
      ["product.updated", 4, ["inventory"]],
    ]);
    const [created, renamed, imaged, deleted] = all;
    expect(created?.object).toBe("event");
    expect(created?.id).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(created?.data.object.name).toBe("Lamp");
    expect(renamed?.data.object.name).toBe("Desk lamp");
    expect(imaged?.data.object.images).toHaveLength(1);
    expect(deleted?.data.object.images).toHaveLength(1);

    // One event by id; another org's id is 404.
    const one = await api(`/v1/events/${created?.id}`, { key: shop.key });
    expect(((await one.json()) as Event).type).toBe("product.created");
    const other = await tenant();
    await expectError(await api(`/v1/events/${created?.id}`, { key: other.key }), 404, "not_found");
  });

  it("product.low_stock, with stock per variant: when a variant falls below the threshold, once", async () => {
    const sizes = (quantities: Record<string, number | undefined>) =>
      Object.entries(quantities).map(([Size, quantity]) => ({
        options: { Size },
        ...(quantity === undefined ? {} : { inventory: { quantity } }),
      }));
    const product = await createProduct<{ id: string }>(shop.key, {
      name: "Shirt",
      options: [{ name: "Size", values: ["S", "M", "L"] }],
      variants: sizes({ S: 5, M: 5 }),
      inventory: { tracking: "variant", low_stock_threshold: 3 },
    });
    const patch = async (body: unknown) => {
      const response = await api(`/v1/products/${product.id}`, { method: "PATCH", key: shop.key, body });
      expect(response.status, await response.clone().text()).toBe(200);
      return ((await response.json()) as { version: number }).version;
    };
    // Each change, and whether it takes a variant below the threshold of 3 that was not below it.
    const changes: [unknown, boolean][] = [
      [{ variants: sizes({ S: 5, M: 2 }) }, true], // M falls below
      [{ variants: sizes({ S: 5, M: 1 }) }, false], // M was below already
      [{ variants: sizes({ S: 3, M: 1 }) }, false], // S at the threshold is not below it
      [{ name: "Shirt, cotton" }, false],
      [{ variants: sizes({ S: 3, M: 1, L: undefined }) }, true], // L is new, with none set: 0
      [{ variants: sizes({ S: 2, M: 1, L: 0 }) }, true], // S falls below
      [{ variants: sizes({ S: 9, M: 9, L: 9 }) }, false],
      [{ variants: sizes({ S: 9, M: 0, L: 9 }) }, true], // M again, after it was restocked
      [{ inventory: { low_stock_threshold: null } }, false],
      [{ variants: sizes({ S: 0, M: 0, L: 0 }) }, false], // no threshold
      [{ inventory: { low_stock_threshold: 1 } }, true], // a threshold set above stock
      [{ inventory: { tracking: "product", quantity: 5 } }, false], // per product from now on
    ];
    const lowAt: number[] = [];
    for (const [body, falls] of changes) {
      const version = await patch(body);
      if (falls) lowAt.push(version);
    }
    const low = (await eventsOf(shop.key, "?type=product.low_stock&limit=100")).filter(
      (event) => event.data.object.id === product.id,
    );
    expect(low.map((event) => event.data.object.version).sort((a, b) => a - b)).toEqual(lowAt);
  });

  it("of an inventory adjustment carry its delta and reason; no other change's do", async () => {
    const product = await createProduct<{ id: string }>(shop.key, {
      name: "Mug",
      inventory: { tracking: "product", quantity: 5, low_stock_threshold: 3 },
    });
    const adjust = async (body: unknown) => {
      const response = await api(`/v1/products/${product.id}/inventory_adjustments`, {
        method: "POST",
        key: shop.key,
        body,
      });
      expect(response.status, await response.clone().text()).toBe(200);
    };
    await adjust({ delta: -3, reason: "order 1042" });
    await adjust({ delta: 10 });
    const renamed = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: shop.key,
      body: { name: "Big mug" },
    });
    expect(renamed.status).toBe(200);
    // Refused adjustments change nothing, so no event says they happened.
    const refused = await api(`/v1/products/${product.id}/inventory_adjustments`, {
      method: "POST",
      key: shop.key,
      body: { delta: -100, reason: "too many" },
    });
    await expectError(refused, 409, "insufficient_stock");

    const all = (await eventsOf(shop.key))
      .filter((event) => event.data.object.id === product.id)
      .sort((a, b) => a.data.object.version - b.data.object.version || a.type.localeCompare(b.type));
    expect(all.map((event) => [event.type, event.data.object.version, event.data.adjustment])).toEqual([
      ["product.created", 1, undefined],
      ["product.low_stock", 2, { delta: -3, reason: "order 1042" }],
      ["product.updated", 2, { delta: -3, reason: "order 1042" }],
      ["product.updated", 3, { delta: 10, reason: null }],
      ["product.updated", 4, undefined],
    ]);
    // One event read by id says the same.
    const [, , fromList] = all;
    const one = await api(`/v1/events/${fromList?.id}`, { key: shop.key });
    expect(((await one.json()) as Event).data.adjustment).toEqual({ delta: -3, reason: "order 1042" });
  });

  it("has the images of a create that came with them", async () => {
    const product = await createProduct<{ id: string }>(shop.key, { name: "Vase" });
    const withImage = await createProduct<{ id: string; images: unknown[] }>(shop.key, {
      name: "Bowl",
      image_urls: [`${RECEIVER}/png`],
    });
    expect(withImage.images).toHaveLength(1);
    const events = await eventsOf(shop.key, "?type=product.created");
    expect(events.find((event) => event.data.object.id === withImage.id)?.data.object.images).toHaveLength(1);
    expect(events.find((event) => event.data.object.id === product.id)?.data.object.images).toEqual([]);
  });

  it("are never written for a failed, a 412'd or a no-op write, nor for a scan", async () => {
    const product = await createProduct<{ id: string }>(shop.key, { name: "Chair", sku: "CHAIR-1" });
    const count = async () =>
      (await eventsOf(shop.key, "?limit=100")).filter((e) => e.data.object.id === product.id).length;
    const before = await count();
    const stale = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: shop.key,
      body: { name: "Stale" },
      headers: { "If-Match": '"7"' },
    });
    expect(stale.status).toBe(412);
    await expectFailures(
      await api(`/v1/products/${product.id}`, { method: "PATCH", key: shop.key, body: { name: "" } }),
      ["name"],
    );
    const duplicate = await api("/v1/products", {
      method: "POST",
      key: shop.key,
      body: { name: "X", sku: "CHAIR-1" },
    });
    expect(duplicate.status).toBe(409);
    const same = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: shop.key,
      body: { name: "Chair" },
    });
    expect(same.status).toBe(200);
    expect((await api(`/v1/products/${product.id}/scans`, { method: "POST", key: shop.key })).status).toBe(
      200,
    );
    expect(await count()).toBe(before);
  });

  it("lists newest first with a cursor and a type filter, and checks its query", async () => {
    const other = await tenant();
    for (const name of ["A", "B", "C"]) await createProduct(other.key, { name });
    const first = await api("/v1/events?limit=2", { key: other.key });
    const page = (await first.json()) as { data: Event[]; has_more: boolean; next_cursor: string };
    expect(page.data.map((event) => event.data.object.name)).toEqual(["C", "B"]);
    expect(page.has_more).toBe(true);
    const rest = (await (
      await api(`/v1/events?limit=2&cursor=${page.next_cursor}`, { key: other.key })
    ).json()) as {
      data: Event[];
      has_more: boolean;
    };
    expect(rest.data.map((event) => event.data.object.name)).toEqual(["A"]);
    expect(rest.has_more).toBe(false);
    expect(await eventsOf(other.key, "?type=product.deleted")).toEqual([]);
    await expectFailures(await api("/v1/events?type=product.exploded", { key: other.key }), ["type"]);
    await expectFailures(await api("/v1/events?cursor=nope", { key: other.key }), ["cursor"]);
    await expectFailures(await api("/v1/events?limit=101", { key: other.key }), ["limit"]);
    expect((await api("/v1/events?limit=100", { key: other.key })).status).toBe(200);
  });

  it("need webhook.manage", async () => {
    const reader = await createKey([shop.orgId], ["product.edit"]);
    await expectError(await api("/v1/events", { key: reader.key }), 403, "forbidden");
    await expectError(await api("/v1/webhook_endpoints", { key: reader.key }), 403, "forbidden");
  });

  it("older than 30 days are swept by the cron", async () => {
    const other = await tenant();
    await createProduct(other.key, { name: "Old news" });
    expect(await eventsOf(other.key)).toHaveLength(1);
    const swept = await sweep(env, Date.now() + 31 * 24 * 60 * 60 * 1000);
    expect(swept.events_expired).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(other.key)).toEqual([]);
  });
});

describe("webhook endpoints", () => {
  let shop: { orgId: string; key: string };

  beforeAll(async () => {
    shop = await tenant();
  });

  it("are created with a secret shown once, listed, read and deleted", async () => {
    const created = await api("/v1/webhook_endpoints", {
      method: "POST",
      key: shop.key,
      body: { url: `${RECEIVER}/hooks/ok/crud`, events: ["product.created"], description: "ERP" },
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as Record<string, unknown> & { id: string; secret: string };
    expect(endpoint).toMatchObject({
      object: "webhook_endpoint",
      url: `${RECEIVER}/hooks/ok/crud`,
      events: ["product.created"],
      description: "ERP",
    });
    expect(endpoint.id).toMatch(/^we_[0-9A-Z]{26}$/);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.headers.get("Location")).toBe(`/v1/webhook_endpoints/${endpoint.id}`);
    const read = (await (
      await api(`/v1/webhook_endpoints/${endpoint.id}`, { key: shop.key })
    ).json()) as object;
    expect(read).not.toHaveProperty("secret");
    const list = (await (await api("/v1/webhook_endpoints", { key: shop.key })).json()) as { data: object[] };
    expect(list.data.map((entry) => (entry as { id: string }).id)).toContain(endpoint.id);
    expect(JSON.stringify(list)).not.toContain(endpoint.secret);
    const deleted = await api(`/v1/webhook_endpoints/${endpoint.id}`, { method: "DELETE", key: shop.key });
    expect(await deleted.json()).toEqual({ id: endpoint.id, object: "webhook_endpoint", deleted: true });
    await expectError(await api(`/v1/webhook_endpoints/${endpoint.id}`, { key: shop.key }), 404, "not_found");
    await expectError(
      await api(`/v1/webhook_endpoints/${endpoint.id}`, { method: "DELETE", key: shop.key }),
      404,
      "not_found",
    );
  });

  it.each([
    ["http on the default port", "http://hooks.example/x"],
    ["loopback", "https://127.0.0.1/hook"],
    ["a private address", "https://10.0.0.8/hook"],
    ["the metadata address", "https://169.254.169.254/latest"],
    ["v4-mapped loopback", "https://[::ffff:127.0.0.1]/hook"],
    ["v4-translated loopback", "https://[::ffff:0:7f00:1]/hook"],
    ["a Teredo address", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook"],
    ["localhost with two trailing dots", "https://localhost../hook"],
    ["localhost", "https://localhost/hook"],
    ["*.internal", "https://billing.internal/hook"],
    ["user info", "https://user:pass@hooks.example/x"],
    ["another port", "https://hooks.example:8443/x"],
    ["not a URL", "hooks.example/x"],
  ])("refuse %s with invalid_data on url", async (_label, url) => {
    await expectFailures(
      await api("/v1/webhook_endpoints", { method: "POST", key: shop.key, body: { url, events: ["*"] } }),
      ["url"],
    );
  });

  it("check events, url length and description", async () => {
    const post = (body: unknown) => api("/v1/webhook_endpoints", { method: "POST", key: shop.key, body });
    await expectFailures(await post({ url: "https://hooks.example/x", events: [] }), ["events"]);
    const five = ["product.created", "product.updated", "product.deleted", "product.low_stock", "*"];
    expect((await post({ url: "https://hooks.example/x", events: five })).status).toBe(201);
    await expectFailures(await post({ url: "https://hooks.example/x", events: [...five, "*"] }), ["events"]);
    await expectFailures(await post({ url: "https://hooks.example/x", events: ["product.sold"] }), [
      "events[0]",
    ]);
    await expectFailures(await post({ url: "https://hooks.example/x", events: ["*"], extra: 1 }), ["extra"]);
    const long = `https://hooks.example/${"a".repeat(2048 - "https://hooks.example/".length)}`;
    expect((await post({ url: long, events: ["*"] })).status).toBe(201);
    await expectFailures(await post({ url: `${long}a`, events: ["*"] }), ["url"]);
    expect(
      (await post({ url: "https://hooks.example/x", events: ["*"], description: "d".repeat(256) })).status,
    ).toBe(201);
    await expectFailures(
      await post({ url: "https://hooks.example/x", events: ["*"], description: "d".repeat(257) }),
      ["description"],
    );
  });
});

describe("deliveries", () => {
  it("arrive signed per Standard Webhooks, only for subscribed types, and are logged", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`, ["product.created"]);
    const product = await createProduct<{ id: string }>(shop.key, { name: "Signed" });
    await api(`/v1/products/${product.id}`, { method: "PATCH", key: shop.key, body: { name: "Not sent" } });
    const hooks = await received(name, (got) => got.length >= 1);
    // Give an unsubscribed update time to (wrongly) arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const all = await received(name, () => true);
    expect(all).toHaveLength(1);
    const [hook] = hooks as [Hook];
    const event = JSON.parse(hook.body) as Event;
    expect(event.type).toBe("product.created");
    expect(event.data.object.id).toBe(product.id);
    expect(hook.headers["webhook-id"]).toBe(event.id);
    expect(hook.headers["content-type"]).toBe("application/json");
    expect(await verifies(endpoint.secret, hook)).toBe(true);
    // A tampered body, or another secret, does not verify.
    expect(await verifies(endpoint.secret, { ...hook, body: hook.body.replace("Signed", "Signet") })).toBe(
      false,
    );
    const otherSecret = `whsec_${btoa("x".repeat(32))}`;
    expect(await verifies(otherSecret, hook)).toBe(false);

    const log = await deliveriesOf(shop.key, endpoint.id, (rows) => rows.length >= 1);
    expect(log).toEqual([
      expect.objectContaining({ event_id: event.id, attempt: 1, status_code: 200, outcome: "ok" }),
    ]);
  });

  it("are retried after a 500, and the log shows both attempts", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/flaky/${name}`);
    await createProduct(shop.key, { name: "Flaky" });
    const hooks = await received(name, (got) => got.length >= 2);
    expect(hooks.map((hook) => hook.status)).toEqual([500, 200]);
    expect(hooks[0]?.headers["webhook-id"]).toBe(hooks[1]?.headers["webhook-id"]);
    const log = await deliveriesOf(shop.key, endpoint.id, (rows) => rows.length >= 2);
    expect(log.map((row) => [row.attempt, row.status_code, row.outcome])).toEqual([
      [2, 200, "ok"],
      [1, 500, "http_status"],
    ]);
  });

  it("are retried after no answer within 10 s, logged as a timeout", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/slow/${name}`);
    await createProduct(shop.key, { name: "Slow receiver" });
    const log = await deliveriesOf(shop.key, endpoint.id, (rows) => rows.length >= 2);
    expect(log.map((row) => [row.attempt, row.status_code, row.outcome])).toEqual([
      [2, 200, "ok"],
      [1, null, "timeout"],
    ]);
    // Given up on at 10 s, not when the receiver finally answered at 11 s.
    expect(log[1]?.duration_ms).toBeGreaterThanOrEqual(10_000);
    expect(log[1]?.duration_ms).toBeLessThan(11_000);
    const hooks = await received(name, (got) => got.length >= 2);
    expect(hooks[0]?.headers["webhook-id"]).toBe(hooks[1]?.headers["webhook-id"]);
  }, 40_000);

  it("end dead after 8 failed attempts, logged as dead_lettered", async () => {
    const shop = await tenant();
    const name = hookName();
    const endpoint = await createEndpoint(shop.key, `${RECEIVER}/hooks/down/${name}`);
    await createProduct(shop.key, { name: "Doomed" });
    const log = await deliveriesOf(shop.key, endpoint.id, (rows) =>
      rows.some((row) => row.outcome === "dead_lettered"),
    );
    expect(log.map((row) => [row.attempt, row.status_code, row.outcome])).toEqual([
      [8, null, "dead_lettered"],
      ...[8, 7, 6, 5, 4, 3, 2, 1].map((attempt) => [attempt, 500, "http_status"]),
    ]);
    expect(await received(name, () => true)).toHaveLength(8);
  }, 40_000);

  it("leave no backlog behind: more events than a dispatch takes at once are all dispatched", async () => {
    const shop = await tenant();
    await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${hookName()}`);
    const product = await createProduct<{ id: string }>(shop.key, { name: "Busy" });
    // 150 changes straight into D1 (no request, so no dispatch): a backlog only the minute cron finds.
    const rename = env.DB.prepare(
      "UPDATE products SET data = json_set(data, '$.name', ?), version = version + 1 WHERE id = ?",
    );
    await env.DB.batch(Array.from({ length: 150 }, (_, index) => rename.bind(`Busy ${index}`, product.id)));
    const pending = () =>
      env.DB.prepare("SELECT count(*) AS n FROM events WHERE org_id = ? AND dispatched_at IS NULL")
        .bind(shop.orgId)
        .first<number>("n");
    expect(await pending()).toBeGreaterThanOrEqual(150);
    await redrive(env, Date.now() + 2 * 60 * 1000);
    for (let waited = 0; (await pending()) !== 0 && waited < 15_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await pending()).toBe(0);
  }, 30_000);

  it("are sent by the cron when the dispatch after the write was lost", async () => {
    const shop = await tenant();
    const name = hookName();
    await createEndpoint(shop.key, `${RECEIVER}/hooks/ok/${name}`);
    // Written straight into D1: no request, so no dispatch message; only the cron can find it.
    const product = await createProduct<{ id: string }>(shop.key, { name: "Quiet" });
    await received(name, (got) => got.length >= 1);
    await env.DB.prepare(
      "UPDATE products SET data = json_set(data, '$.name', 'Quietly renamed'), version = version + 1 WHERE id = ?",
    )
      .bind(product.id)
      .run();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await received(name, () => true)).toHaveLength(1);
    await redrive(env, Date.now() + 2 * 60 * 1000);
    const hooks = await received(name, (got) => got.length >= 2);
    expect(hooks).toHaveLength(2);
    expect((JSON.parse(hooks[1]?.body ?? "{}") as Event).data.object.name).toBe("Quietly renamed");
  }, 30_000);
});
