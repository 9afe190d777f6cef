// The Trata dialect (/compat/trata): Trata's documented requests, sent as printed, answer Trata's
// documented shape, over the same products as /v1.
import { beforeEach, describe, expect, it } from "vitest";
import { api, createKey, createOrg, expectError, expectFailures, type Tenant, tenant } from "../../helpers";

const BASE = "/compat/trata/v1/products";

/** Trata's create example, as printed; its `<string>` placeholders replaced by real values. */
const CREATE_EXAMPLE = {
  active: true,
  defaultPrice: 123,
  currency: "AED",
  description: "High-quality gardening tools",
  name: "Garden Tool Set",
  shippable: false,
  features: ["ergonomic handles"],
  scheduleAppointment: false,
  props: "stainless steel",
  tags: "gardening",
  status: "active",
  agentIds: ["agent_7"],
};

/** Trata's update example, as printed (its read-only fields included). */
const UPDATE_EXAMPLE = {
  id: "pro.1731301754.OZSMSU1S",
  orgId: "org.1726902940.GZChqlpU",
  active: true,
  defaultPrice: 1299,
  currency: "USD",
  description: "Spicy Korean Chicken Wings",
  name: "Spicy Korean Chicken Wings",
  shippable: true,
  features: [],
  scheduleAppointment: false,
  props: {},
  status: "active",
  createdBy: "trata-system",
  createdAt: "2024-11-11T05:09:14.979287",
  updatedBy: "trata-system",
  updatedAt: "2024-11-11T05:09:14.979289",
};

/** The documented response's keys: the example's, and `tags` of its schema. */
const RESPONSE_KEYS = [
  "active",
  "createdAt",
  "createdBy",
  "currency",
  "defaultPrice",
  "description",
  "features",
  "id",
  "name",
  "orgId",
  "props",
  "scheduleAppointment",
  "shippable",
  "status",
  "tags",
  "updatedAt",
  "updatedBy",
];

type TrataProduct = Record<string, unknown> & { id: string; defaultPrice: number | null; currency: string };
type V1Product = Record<string, unknown> & { id: string; version: number; prices: { currency: string }[] };

let t: Tenant;
beforeEach(async () => {
  t = await tenant();
});

const trata = (
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) => api(`${BASE}${path}`, { ...init, key: t.key });

async function created(body: unknown = CREATE_EXAMPLE): Promise<TrataProduct> {
  const response = await trata("", { method: "POST", body });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as TrataProduct;
}

const v1 = async (id: string) =>
  (await (await api(`/v1/products/${id}`, { key: t.key })).json()) as V1Product;

describe("Trata's examples, as printed", () => {
  it("create answers 200 in the documented shape, the values mapped from what was stored", async () => {
    const response = await trata("", { method: "POST", body: CREATE_EXAMPLE });
    expect(response.status).toBe(200);
    const product = (await response.json()) as TrataProduct;
    expect(Object.keys(product).sort()).toEqual(RESPONSE_KEYS);
    expect(product).toEqual({
      id: product.id,
      orgId: t.orgId,
      active: true,
      defaultPrice: 123,
      currency: "AED",
      description: "High-quality gardening tools",
      name: "Garden Tool Set",
      shippable: false,
      features: ["ergonomic handles"],
      scheduleAppointment: false,
      props: { value: "stainless steel" },
      tags: ["gardening"],
      status: "active",
      createdBy: t.keyId,
      createdAt: product.createdAt,
      updatedBy: t.keyId,
      updatedAt: product.createdAt,
    });
    expect(Date.parse(product.createdAt as string)).not.toBeNaN();
  });

  it("update answers 200 in the documented shape; the sent read-only fields are ignored", async () => {
    const { id } = await created();
    const response = await trata(`/${id}`, { method: "PUT", body: UPDATE_EXAMPLE });
    expect(response.status, await response.clone().text()).toBe(200);
    const product = (await response.json()) as TrataProduct;
    expect(Object.keys(product).sort()).toEqual(RESPONSE_KEYS);
    expect(product).toMatchObject({
      id,
      orgId: t.orgId,
      defaultPrice: 1299,
      currency: "USD",
      name: "Spicy Korean Chicken Wings",
      shippable: true,
      features: [],
      props: {},
      tags: ["gardening"],
      createdBy: t.keyId,
    });
    expect(product.createdAt).not.toBe(UPDATE_EXAMPLE.createdAt);
    // The AED price stays; USD is added and is the default currency.
    const stored = await v1(id);
    expect(stored.prices).toEqual([
      { currency: "AED", amount: 123, compare_at_amount: null, cost_amount: null, markup_percent: null },
      { currency: "USD", amount: 1299, compare_at_amount: null, cost_amount: null, markup_percent: null },
    ]);
    expect(stored.default_currency).toBe("USD");
  });
});

describe("one product, whichever API wrote it", () => {
  it("a Trata product is a /v1 product, and a /v1 change shows in Trata", async () => {
    const product = await created();
    const stored = await v1(product.id);
    expect(stored).toMatchObject({
      name: "Garden Tool Set",
      visible: true,
      status: "active",
      prices: [{ currency: "AED", amount: 123 }],
      default_currency: "AED",
      shippable: false,
      schedule_appointment: false,
      features: ["ergonomic handles"],
      props: { value: "stainless steel" },
      tags: ["gardening"],
      agent_ids: ["agent_7"],
      created_by: t.keyId,
    });
    const patched = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: t.key,
      body: {
        name: "Renamed",
        visible: false,
        prices: [
          { currency: "AED", amount: 123 },
          { currency: "EUR", amount: 500 },
        ],
        default_currency: "EUR",
      },
    });
    expect(patched.status).toBe(200);
    const read = (await (await trata(`/${product.id}`)).json()) as TrataProduct;
    expect(read).toMatchObject({ name: "Renamed", active: false, defaultPrice: 500, currency: "EUR" });
  });

  it("a /v1 product reads in Trata, with null price when it has none", async () => {
    const response = await api("/v1/products", { method: "POST", key: t.key, body: { name: "Bare" } });
    const { id } = (await response.json()) as V1Product;
    const read = (await (await trata(`/${id}`)).json()) as TrataProduct;
    expect(Object.keys(read).sort()).toEqual(RESPONSE_KEYS);
    expect(read).toMatchObject({
      id,
      defaultPrice: null,
      currency: null,
      description: null,
      shippable: true,
    });
  });

  it("a PUT of what a GET answered changes nothing (same version)", async () => {
    const { id } = await created();
    await api(`/v1/products/${id}`, {
      method: "PATCH",
      key: t.key,
      body: { sku: "KEEP-1", prices: [{ currency: "AED", cost_amount: 100, markup_percent: 23 }] },
    });
    const before = await v1(id);
    const read = await (await trata(`/${id}`)).json();
    const response = await trata(`/${id}`, { method: "PUT", body: read });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(read);
    expect(await v1(id)).toEqual(before);
  });

  it("a PUT keeps the /v1-only fields and the optional fields it leaves out", async () => {
    const { id } = await created();
    await api(`/v1/products/${id}`, {
      method: "PATCH",
      key: t.key,
      body: { sku: "KEEP-2", gtin: "4006381333931" },
    });
    const { features: _f, props: _p, tags: _t, agentIds: _a, shippable: _s, ...required } = CREATE_EXAMPLE;
    const response = await trata(`/${id}`, { method: "PUT", body: { ...required, name: "Only required" } });
    expect(response.status).toBe(200);
    expect(await v1(id)).toMatchObject({
      name: "Only required",
      sku: "KEEP-2",
      gtin: "4006381333931",
      features: ["ergonomic handles"],
      tags: ["gardening"],
      agent_ids: ["agent_7"],
      props: { value: "stainless steel" },
    });
  });

  it("a new defaultPrice drops a markup that no longer agrees with it; null lists empty them", async () => {
    const { id } = await created();
    await api(`/v1/products/${id}`, {
      method: "PATCH",
      key: t.key,
      body: { prices: [{ currency: "AED", cost_amount: 100, markup_percent: 23, compare_at_amount: 200 }] },
    });
    const response = await trata(`/${id}`, {
      method: "PUT",
      body: { ...CREATE_EXAMPLE, defaultPrice: 150, tags: null, agentIds: null, features: null, props: null },
    });
    expect(response.status).toBe(200);
    const stored = await v1(id);
    expect(stored.prices).toEqual([
      { currency: "AED", amount: 150, compare_at_amount: 200, cost_amount: 100, markup_percent: null },
    ]);
    expect(stored).toMatchObject({ tags: [], agent_ids: [], features: [], props: {} });
  });
});

describe("every field at its edge", () => {
  const refused = async (body: Record<string, unknown>, fields: string[]) =>
    expectFailures(await trata("", { method: "POST", body: { ...CREATE_EXAMPLE, ...body } }), fields);
  const accepted = async (body: Record<string, unknown>) => created({ ...CREATE_EXAMPLE, ...body });

  it("name and description: 1 to 512 characters; description may be null", async () => {
    expect((await accepted({ name: "n".repeat(512), description: "d".repeat(512) })).name).toHaveLength(512);
    await refused({ name: "n".repeat(513) }, ["name"]);
    await refused({ name: "" }, ["name"]);
    await refused({ description: "d".repeat(513) }, ["description"]);
    await refused({ description: "" }, ["description"]);
    expect((await accepted({ description: null })).description).toBeNull();
  });

  it("defaultPrice: an integer 0 … 999 999 999 999 in the minor unit", async () => {
    expect((await accepted({ defaultPrice: 0 })).defaultPrice).toBe(0);
    expect((await accepted({ defaultPrice: 999_999_999_999 })).defaultPrice).toBe(999_999_999_999);
    await refused({ defaultPrice: 1_000_000_000_000 }, ["defaultPrice"]);
    await refused({ defaultPrice: -1 }, ["defaultPrice"]);
    await refused({ defaultPrice: 1.5 }, ["defaultPrice"]);
    await refused({ defaultPrice: "123" }, ["defaultPrice"]);
  });

  it("currency: a code of the list, any case, upper-case out; Trata's withdrawn codes too", async () => {
    expect((await accepted({ currency: "usd" })).currency).toBe("USD");
    expect((await accepted({ currency: "HRK" })).currency).toBe("HRK");
    await refused({ currency: "XXX" }, ["currency"]);
    await refused({ currency: "EURO" }, ["currency"]);
  });

  it("status: active or inactive; active and every required field must be sent", async () => {
    expect((await accepted({ status: "inactive", active: false })).status).toBe("inactive");
    await refused({ status: "archived" }, ["status"]);
    for (const field of ["active", "defaultPrice", "currency", "description", "name", "status"]) {
      const body: Record<string, unknown> = { ...CREATE_EXAMPLE };
      delete body[field];
      await expectFailures(await trata("", { method: "POST", body }), [field]);
    }
  });

  it("tags and agentIds: a list or one string, by the /v1 limits, failures in Trata's names", async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `tag-${i}`);
    expect((await accepted({ tags: fifty })).tags).toHaveLength(50);
    await refused({ tags: [...fifty, "one-more"] }, ["tags"]);
    await refused({ tags: "t".repeat(65) }, ["tags"]);
    await refused({ agentIds: Array.from({ length: 101 }, (_, i) => `agent-${i}`) }, ["agentIds"]);
    await refused({ agentIds: ["ok", "bad\u200bid"] }, ["agentIds[1]"]);
    await refused({ tags: 5 }, ["tags"]);
  });

  it("props: an object (the /v1 limits) or one string of at most 1024 characters", async () => {
    expect((await accepted({ props: { size: "L" } })).props).toEqual({ size: "L" });
    expect((await accepted({ props: "p".repeat(1024) })).props).toEqual({ value: "p".repeat(1024) });
    await refused({ props: "p".repeat(1025) }, ["props"]);
    await refused({ props: { big: "x".repeat(17 * 1024) } }, ["props"]);
    await refused({ props: [1] }, ["props"]);
  });

  it("features: at most 100 of 1 to 512 characters", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `feature ${i}`);
    expect((await accepted({ features: hundred })).features).toHaveLength(100);
    await refused({ features: [...hundred, "one more"] }, ["features"]);
    await refused({ features: [""] }, ["features[0]"]);
  });

  it("what Trata cannot say is refused naming the field, never dropped", async () => {
    await refused({ sku: "ABC" }, ["sku"]);
    await refused({ prices: [] }, ["prices"]);
    await refused({ defaultCurrency: "USD" }, ["defaultCurrency"]);
  });
});

describe("the /v1 guarantees, in Trata's dialect", () => {
  it("needs a key with the scope; another org's product is 404", async () => {
    await expectError(await api(BASE, { method: "POST", body: CREATE_EXAMPLE }), 401, "unauthorized");
    const reader = await createKey([t.orgId], ["product.read"]);
    await expectError(
      await api(BASE, { method: "POST", key: reader.key, body: CREATE_EXAMPLE }),
      403,
      "forbidden",
    );
    const mine = await created();
    const other = await tenant();
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", CREATE_EXAMPLE],
      ["DELETE", undefined],
    ] as const) {
      await expectError(await api(`${BASE}/${mine.id}`, { method, body, key: other.key }), 404, "not_found");
    }
    expect((await trata(`/${mine.id}`)).status).toBe(200);
  });

  it("answers the ETag, and a PUT or DELETE with a stale If-Match is 412", async () => {
    const { id } = await created();
    const read = await trata(`/${id}`);
    expect(read.headers.get("ETag")).toBe('"1"');
    const stale = { "If-Match": '"7"' };
    const put = await trata(`/${id}`, { method: "PUT", body: CREATE_EXAMPLE, headers: stale });
    expect(
      ((await expectError(put, 412, "precondition_failure")) as { current_version?: number }).current_version,
    ).toBe(1);
    await expectError(
      await trata(`/${id}`, { method: "DELETE", headers: stale }),
      412,
      "precondition_failure",
    );
    const fresh = await trata(`/${id}`, {
      method: "PUT",
      body: { ...CREATE_EXAMPLE, name: "Fresh" },
      headers: { "If-Match": '"1"' },
    });
    expect(fresh.headers.get("ETag")).toBe('"2"');
  });

  it("an Idempotency-Key makes a retried create one product", async () => {
    const headers = { "Idempotency-Key": `trata-${crypto.randomUUID()}` };
    const first = await trata("", { method: "POST", body: CREATE_EXAMPLE, headers });
    const again = await trata("", { method: "POST", body: CREATE_EXAMPLE, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    const list = (await (await trata("")).json()) as TrataProduct[];
    expect(list).toHaveLength(1);
  });

  it("writes emit the product events", async () => {
    const orgId = await createOrg();
    const { id, key } = await createKey([orgId], ["product.edit", "webhook.manage"]);
    t = { orgId, key, keyId: id };
    const product = await created();
    await trata(`/${product.id}`, { method: "PUT", body: { ...CREATE_EXAMPLE, name: "Changed" } });
    await trata(`/${product.id}`, { method: "DELETE" });
    const events = (await (await api("/v1/events?limit=10", { key })).json()) as {
      data: { type: string; data: { object: { id: string; name: string } } }[];
    };
    expect(events.data.map((event) => [event.type, event.data.object.name])).toEqual([
      ["product.deleted", "Changed"],
      ["product.updated", "Changed"],
      ["product.created", "Garden Tool Set"],
    ]);
  });
});

describe("reading and deleting", () => {
  it("lists newest first as an array, the next page in the Link header", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await created({ ...CREATE_EXAMPLE, name: `P${i}` })).id);
    const first = await trata("?limit=2");
    expect(first.status).toBe(200);
    expect(((await first.json()) as TrataProduct[]).map((p) => p.id)).toEqual([ids[2], ids[1]]);
    const link = first.headers.get("Link");
    const next = /^<https?:\/\/[^/]+([^>]+)>; rel="next"$/.exec(link ?? "")?.[1];
    expect(next).toMatch(/^\/compat\/trata\/v1\/products\?limit=2&cursor=/);
    const second = await api(next as string, { key: t.key });
    expect(((await second.json()) as TrataProduct[]).map((p) => p.id)).toEqual([ids[0]]);
    expect(second.headers.get("Link")).toBeNull();
    await expectFailures(await trata("?limit=101"), ["limit"]);
    await expectFailures(await trata("?page=2"), ["page"]);
  });

  it("DELETE answers {id, deleted}; the product is gone from /v1 too", async () => {
    const { id } = await created();
    const response = await trata(`/${id}`, { method: "DELETE" });
    expect(await response.json()).toEqual({ id, deleted: true });
    await expectError(await api(`/v1/products/${id}`, { key: t.key }), 404, "not_found");
    await expectError(await trata(`/${id}`), 404, "not_found");
  });
});

describe("/compat/trata/openapi.json", () => {
  it("has Trata's operations at Trata's paths, served under /compat/trata, every $ref resolving", async () => {
    const response = await api("/compat/trata/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.servers).toEqual([{ url: "/compat/trata" }]);
    expect(Object.keys(doc.paths).sort()).toEqual(["/v1/products", "/v1/products/{product_id}"]);
    expect(Object.keys(doc.paths["/v1/products"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/products/{product_id}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
      "put",
    ]);
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/([^"]+)"/g)) {
      const components = (doc as unknown as { components: Record<string, Record<string, unknown>> })
        .components;
      expect(components[kind as string]?.[name as string], `${kind}/${name}`).toBeDefined();
    }
  });
});
