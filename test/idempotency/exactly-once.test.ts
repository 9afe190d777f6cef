import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import { admin, api, createKey, createOrg, expectError } from "../helpers";

// Every keyed write applies once, even when the stored response is gone: KV lost it (its put
// failed, or it is not visible yet: the claim is done with nothing in KV), or the request died
// after its write (the claim still held, its lock run out). Each retry then runs the request again,
// which must find its own earlier write and answer the state as it is, never apply it twice.

type Product = {
  id: string;
  name: string;
  version: number;
  inventory: { quantity: number | null };
  images: { id: string; alt: string | null }[];
  total_scans: number;
};
type Event = { type: string; data: { object: { id: string } } };

const LOSSES = ["kv lost the response", "the request died after its write"] as const;
type Loss = (typeof LOSSES)[number];

let key: string;
let keyId: string;
beforeEach(async () => {
  const orgId = await createOrg();
  ({ key, id: keyId } = await createKey([orgId], ["product.edit", "webhook.manage"]));
});

let serial = 0;
const newIdempotencyKey = () => `once-${Date.now()}-${++serial}`;

async function sha256Hex(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Takes away what happened after the keyed request's write: its stored response, and for a dead one its claim's completion. */
async function lose(idempotencyKey: string, loss: Loss, scope = keyId) {
  const hash = await sha256Hex(idempotencyKey);
  await env.IDEMPOTENCY.delete(`${scope}:${hash}`);
  if (loss === "the request died after its write") {
    await env.DB.prepare("UPDATE idempotency_claims SET locked_until = ? WHERE scope = ? AND key = ?")
      .bind(Date.now() - 1, scope, hash)
      .run();
  }
}

const send = (
  path: string,
  idempotencyKey: string | undefined,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) =>
  api(path, {
    method: init.method ?? "POST",
    key,
    body: init.body,
    headers: { ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}), ...init.headers },
  });

async function json<T>(response: Response, status = 200): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(response.headers.get("Idempotent-Replayed")).toBeNull();
  return (await response.json()) as T;
}

async function product(id: string): Promise<Product> {
  return json<Product>(await api(`/v1/products/${id}`, { key }));
}

async function create(body: Record<string, unknown> = {}): Promise<Product> {
  return json<Product>(await send("/v1/products", undefined, { body: { name: "Once", ...body } }), 201);
}

/** The types of the events about one product, oldest first. */
async function eventTypes(productId: string): Promise<string[]> {
  const response = await api("/v1/events?limit=100", { key });
  const { data } = await json<{ data: Event[] }>(response);
  return data
    .filter((event) => event.data.object.id === productId)
    .map((event) => event.type)
    .reverse();
}

const rowsWritten = (response: Response) =>
  Number(/rows_written=(\d+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1]);

describe.each(LOSSES)("when %s", (loss) => {
  it("an inventory adjustment applies once, with one event", async () => {
    const created = await create({ inventory: { tracking: "product", quantity: 100 } });
    const ik = newIdempotencyKey();
    const path = `/v1/products/${created.id}/inventory_adjustments`;
    const first = await json<Product>(await send(path, ik, { body: { delta: -10 } }));
    expect(first.inventory.quantity).toBe(90);
    await lose(ik, loss);
    const retried = await json<Product>(await send(path, ik, { body: { delta: -10 } }));
    expect(retried.inventory.quantity).toBe(90);
    expect(retried.version).toBe(2);
    expect((await product(created.id)).inventory.quantity).toBe(90);
    expect(await eventTypes(created.id)).toEqual(["product.created", "product.updated"]);
  });

  it("an adjustment under If-Match answers the product as it is, not 412, when retried after other writes", async () => {
    const created = await create({ inventory: { tracking: "product", quantity: 100 } });
    const ik = newIdempotencyKey();
    const path = `/v1/products/${created.id}/inventory_adjustments`;
    const ifMatch = { "If-Match": '"1"' };
    await json<Product>(await send(path, ik, { body: { delta: -10 }, headers: ifMatch }));
    await json<Product>(await send(path, undefined, { body: { delta: -5 } }));
    await lose(ik, loss);
    const retried = await json<Product>(await send(path, ik, { body: { delta: -10 }, headers: ifMatch }));
    expect(retried.inventory.quantity).toBe(85);
    expect(retried.version).toBe(3);
    expect(await eventTypes(created.id)).toEqual(["product.created", "product.updated", "product.updated"]);
  });

  it("a retried adjustment is not refused for the stock another write took since", async () => {
    const created = await create({ inventory: { tracking: "product", quantity: 10 } });
    const ik = newIdempotencyKey();
    const path = `/v1/products/${created.id}/inventory_adjustments`;
    await json<Product>(await send(path, ik, { body: { delta: -6 } }));
    await json<Product>(await send(path, undefined, { body: { delta: -4 } }));
    await lose(ik, loss);
    // Applying −6 again would be 409 insufficient_stock; it was applied, so the answer is the product.
    expect((await json<Product>(await send(path, ik, { body: { delta: -6 } }))).inventory.quantity).toBe(0);
  });

  it("a scan counts once", async () => {
    const created = await create();
    const ik = newIdempotencyKey();
    const path = `/v1/products/${created.id}/scans`;
    expect((await json<{ total_scans: number }>(await send(path, ik))).total_scans).toBe(1);
    await lose(ik, loss);
    expect((await json<{ total_scans: number }>(await send(path, ik))).total_scans).toBe(1);
    expect((await product(created.id)).total_scans).toBe(1);
    expect((await json<{ total_scans: number }>(await send(path, undefined))).total_scans).toBe(2);
  });

  it("a merge PATCH applies once: a retry does not undo the write made after it", async () => {
    const created = await create();
    const ik = newIdempotencyKey();
    const path = `/v1/products/${created.id}`;
    const ifMatch = { "If-Match": '"1"' };
    await json<Product>(await send(path, ik, { method: "PATCH", body: { name: "First" }, headers: ifMatch }));
    await json<Product>(await send(path, undefined, { method: "PATCH", body: { name: "Second" } }));
    await lose(ik, loss);
    const retried = await json<Product>(
      await send(path, ik, { method: "PATCH", body: { name: "First" }, headers: ifMatch }),
    );
    expect(retried).toMatchObject({ name: "Second", version: 3 });
    // Without If-Match too: applying it again would set the name back.
    const unconditional = newIdempotencyKey();
    await json<Product>(await send(path, unconditional, { method: "PATCH", body: { name: "Third" } }));
    await json<Product>(await send(path, undefined, { method: "PATCH", body: { name: "Fourth" } }));
    await lose(unconditional, loss);
    const again = await json<Product>(
      await send(path, unconditional, { method: "PATCH", body: { name: "Third" } }),
    );
    expect(again).toMatchObject({ name: "Fourth", version: 5 });
    expect(await eventTypes(created.id)).toEqual(["product.created", ...Array(4).fill("product.updated")]);
  });

  it("an image addition applies once: the image deleted since is not added again", async () => {
    const created = await create();
    const ik = newIdempotencyKey();
    const path = `/v1/products/${created.id}/images`;
    const upload = () =>
      api(path, {
        method: "POST",
        key,
        body: bytesOf(IMAGES.png),
        headers: { "Content-Type": "image/png", "Idempotency-Key": ik },
      });
    const added = await json<Product>(await upload());
    const imageId = added.images[0]?.id as string;
    await json<Product>(await api(`${path}/${imageId}`, { method: "DELETE", key }));
    await lose(ik, loss);
    const retried = await json<Product>(await upload());
    expect(retried.images).toEqual([]);
    expect(retried.version).toBe(3);
    expect(await eventTypes(created.id)).toEqual(["product.created", "product.updated", "product.updated"]);
  });

  it("an image PATCH applies once", async () => {
    const created = await create();
    const added = await json<Product>(
      await api(`/v1/products/${created.id}/images`, {
        method: "POST",
        key,
        body: bytesOf(IMAGES.png),
        headers: { "Content-Type": "image/png" },
      }),
    );
    const path = `/v1/products/${created.id}/images/${added.images[0]?.id}`;
    const ik = newIdempotencyKey();
    await json<Product>(await send(path, ik, { method: "PATCH", body: { alt: "First" } }));
    await json<Product>(await send(path, undefined, { method: "PATCH", body: { alt: "Second" } }));
    await lose(ik, loss);
    const retried = await json<Product>(await send(path, ik, { method: "PATCH", body: { alt: "First" } }));
    expect(retried.images[0]?.alt).toBe("Second");
    expect(retried.version).toBe(4);
  });

  it("a product create is not made again after it was deleted", async () => {
    const ik = newIdempotencyKey();
    const created = await json<Product>(await send("/v1/products", ik, { body: { name: "Made once" } }), 201);
    await lose(ik, loss);
    const retried = await json<Product>(await send("/v1/products", ik, { body: { name: "Made once" } }), 201);
    expect(retried.id).toBe(created.id);
    await json(await api(`/v1/products/${created.id}`, { method: "DELETE", key }));
    await lose(ik, loss);
    await expectError(await send("/v1/products", ik, { body: { name: "Made once" } }), 404, "not_found");
    await expectError(await api(`/v1/products/${created.id}`, { key }), 404, "not_found");
    expect(await eventTypes(created.id)).toEqual(["product.created", "product.deleted"]);
  });

  it("a webhook endpoint create answers the same endpoint and secret, and is not made again after a delete", async () => {
    const ik = newIdempotencyKey();
    const body = { url: "https://hooks.example.com/once", events: ["*"] };
    type Endpoint = { id: string; secret: string };
    const created = await json<Endpoint>(await send("/v1/webhook_endpoints", ik, { body }), 201);
    await lose(ik, loss);
    const retried = await json<Endpoint>(await send("/v1/webhook_endpoints", ik, { body }), 201);
    expect(retried).toMatchObject({ id: created.id, secret: created.secret });
    const list = await json<{ data: Endpoint[] }>(await api("/v1/webhook_endpoints", { key }));
    expect(list.data.map((endpoint) => endpoint.id)).toEqual([created.id]);
    await json(await api(`/v1/webhook_endpoints/${created.id}`, { method: "DELETE", key }));
    await lose(ik, loss);
    await expectError(await send("/v1/webhook_endpoints", ik, { body }), 404, "not_found");
    expect((await json<{ data: Endpoint[] }>(await api("/v1/webhook_endpoints", { key }))).data).toEqual([]);
  });

  it("an API key create answers the same key, secret included, and makes no second key", async () => {
    const orgId = await createOrg();
    const ik = newIdempotencyKey();
    const body = { name: "once", org_ids: [orgId], type: "secret", scopes: ["product.read"] };
    type ApiKey = { id: string; key: string };
    const post = () => admin("/api_keys", { method: "POST", body, headers: { "Idempotency-Key": ik } });
    const created = await json<ApiKey>(await post(), 201);
    await lose(ik, loss, "admin");
    const retried = await json<ApiKey>(await post(), 201);
    expect(retried).toEqual(created);
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE org_ids = ?")
      .bind(JSON.stringify([orgId]))
      .first<{ n: number }>();
    expect(keys?.n).toBe(1);
    expect((await api("/v1/products", { key: retried.key })).status).toBe(200);
  });

  it("an org create answers the same org", async () => {
    const ik = newIdempotencyKey();
    const post = () =>
      admin("/orgs", { method: "POST", body: { name: "Once" }, headers: { "Idempotency-Key": ik } });
    const created = await json<{ id: string }>(await post(), 201);
    await lose(ik, loss, "admin");
    expect(await json<{ id: string }>(await post(), 201)).toEqual(created);
  });
});

describe("what the record costs", () => {
  it("a keyed write costs one row written more than the claim itself; an unkeyed one nothing", async () => {
    const created = await create({ inventory: { tracking: "product", quantity: 100 } });
    const path = `/v1/products/${created.id}/inventory_adjustments`;
    // The claim's own writes (taken, completed), seen on a keyed PATCH that changes nothing.
    const noop = { method: "PATCH", body: { name: "Once" } };
    const unkeyedNoop = await send(`/v1/products/${created.id}`, undefined, noop);
    const keyedNoop = await send(`/v1/products/${created.id}`, newIdempotencyKey(), noop);
    expect(rowsWritten(unkeyedNoop)).toBe(0);
    const claim = rowsWritten(keyedNoop);
    expect(claim).toBeGreaterThan(0);
    const unkeyed = await send(path, undefined, { body: { delta: 1 } });
    const keyed = await send(path, newIdempotencyKey(), { body: { delta: 1 } });
    expect([unkeyed.status, keyed.status]).toEqual([200, 200]);
    expect(rowsWritten(keyed)).toBe(rowsWritten(unkeyed) + claim + 1);
  });

  it("the records go with their claims: the cron sweep removes those past the key's lifetime", async () => {
    const { sweep } = await import("../../src/scheduled");
    const created = await create();
    await json(await send(`/v1/products/${created.id}/scans`, newIdempotencyKey()));
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM idempotency_applied").first<{ n: number }>())?.n ?? 0;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    expect((await sweep(env, Date.now() + 24 * 60 * 60 * 1000 - 60_000)).idempotency_applied).toBe(0);
    const swept = await sweep(env, Date.now() + 24 * 60 * 60 * 1000 + 60_000);
    expect(swept.idempotency_applied).toBe(before);
    expect(await count()).toBe(0);
  });
});
