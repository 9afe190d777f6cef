import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { api, createKey, createProduct, expectError, sharedTenant } from "../helpers";

type Product = Record<string, unknown> & {
  id: string;
  version: number;
  name: string;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
  props: Record<string, unknown>;
};

const ID = /^prod_[0-9A-HJKMNP-TV-Z]{26}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SERVER_TIMING_DB = /(^|, )db;dur=\d+(\.\d+)?;desc="rows_read=(\d+) rows_written=(\d+) queries=(\d+)"/;

const FULL_INPUT = {
  name: "  Espresso machine  ",
  description: "15 bar pump, stainless steel body.",
  status: "inactive",
  type: "physical",
  shippable: true,
  schedule_appointment: true,
  sku: "ESP-001",
  gtin: "400-6381-333931",
  tax_category: "txcd_99999999",
  tax_behavior: "inclusive",
  prices: [
    { currency: "eur", amount: 24900, compare_at_amount: 29900 },
    { currency: "USD", cost_amount: 10050, markup_percent: 20 },
  ],
  default_currency: "usd",
  features: ["15 bar pump", "1.2 l tank"],
  tags: ["kitchen", "coffee", "kitchen"],
  props: { material: "stainless steel", dimensions: { width_mm: 280 } },
  agent_ids: ["agent_42"],
  seo: { title: "Espresso machine | Acme" },
  default_locale: "pt-br",
  visible: false,
  buyable: false,
  on_sale: true,
  discountable: false,
  reviews_allowed: true,
  exclude_from_feeds: true,
  available_from: "2020-01-01",
  available_to: "2999-12-31T23:59:59Z",
  new_from: "2020-01-01T00:00:00+02:00",
  new_to: "2021-01-01",
  attributes: [
    { name: "Voltage", value: "230 V" },
    { name: "Tension", value: "230 V", locale: "FR" },
  ],
  custom_fields: [
    { name: "Size", type: "size", values: ["S", "M"] },
    { name: "Delivery day", type: "date_picker", range_from: "2026-12-01", range_to: "2026-12-24" },
    { name: "Engraving", type: "textfield", locale: "en-gb" },
  ],
  allowed_countries: ["de", "AT", "DE"],
  destination: { url: "https://acme.example/espresso", chatbot: "0b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c" },
  inventory: { tracking: "product", quantity: 4, low_stock_threshold: 2 },
};

const main = sharedTenant();
/** A second key of the same org, to see updated_by change. */
let other: { id: string; key: string };

beforeAll(async () => {
  other = await createKey([main.orgId]);
});

const get = (id: string, headers: Record<string, string> = {}) =>
  api(`/v1/products/${id}`, { key: main.key, headers });
const put = (id: string, body: unknown, headers: Record<string, string> = {}, key = main.key) =>
  api(`/v1/products/${id}`, { method: "PUT", key, body, headers });
const patch = (id: string, body: unknown, headers: Record<string, string> = {}, key = main.key) =>
  api(`/v1/products/${id}`, {
    method: "PATCH",
    key,
    body,
    headers: { "Content-Type": "application/merge-patch+json", ...headers },
  });
const remove = (id: string, headers: Record<string, string> = {}) =>
  api(`/v1/products/${id}`, { method: "DELETE", key: main.key, headers });

/** The headers every product response carries, and the D1 cost it reports. */
/** FULL_INPUT with identifiers of its own, so that tests do not collide on sku and gtin. */
let serial = 0;
const fullInput = () => ({ ...FULL_INPUT, sku: `ESP-${++serial}`, gtin: null });

function expectCommonHeaders(response: Response) {
  expect(response.headers.get("Request-Id")).toMatch(/^req_[0-9A-Z]{26}$/);
  expect(response.headers.get("API-Version")).toBe("2026-11-01");
  const timing = response.headers.get("Server-Timing") ?? "";
  const db = SERVER_TIMING_DB.exec(timing);
  expect(db, timing).not.toBeNull();
  expect(Number(db?.[3])).toBeGreaterThan(0); // every request reads at least its key
  expect(timing).toMatch(/total;dur=\d+(\.\d+)?/);
}

async function json(response: Response, status: number): Promise<Product> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  return JSON.parse(text) as Product;
}

describe("create", () => {
  it("answers 201 with Location, ETag and the whole product, normalised", async () => {
    const response = await api("/v1/products", { method: "POST", key: main.key, body: FULL_INPUT });
    const product = await json(response, 201);
    expectCommonHeaders(response);
    expect(response.headers.get("Location")).toBe(`/v1/products/${product.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(product.id).toMatch(ID);
    expect(product.created_at).toMatch(TIMESTAMP);
    expect(Number.isInteger(product.number) && (product.number as number) >= 1).toBe(true);
    expect(product).toEqual({
      id: product.id,
      object: "product",
      org_id: main.orgId,
      number: product.number,
      name: "Espresso machine",
      description: "15 bar pump, stainless steel body.",
      status: "inactive",
      type: "physical",
      shippable: true,
      schedule_appointment: true,
      sku: "ESP-001",
      gtin: "4006381333931",
      tax_category: "txcd_99999999",
      tax_behavior: "inclusive",
      prices: [
        { currency: "EUR", amount: 24900, compare_at_amount: 29900, cost_amount: null, markup_percent: null },
        { currency: "USD", amount: 12060, compare_at_amount: null, cost_amount: 10050, markup_percent: 20 },
      ],
      default_currency: "USD",
      features: ["15 bar pump", "1.2 l tank"],
      tags: ["kitchen", "coffee"],
      props: { material: "stainless steel", dimensions: { width_mm: 280 } },
      agent_ids: ["agent_42"],
      slug: "espresso-machine",
      seo: { title: "Espresso machine | Acme", description: null },
      default_locale: "pt-BR",
      localizations: {},
      visible: false,
      buyable: false,
      on_sale: true,
      discountable: false,
      reviews_allowed: true,
      exclude_from_feeds: true,
      available_from: "2020-01-01",
      available_to: "2999-12-31T23:59:59Z",
      new_from: "2020-01-01T00:00:00+02:00",
      new_to: "2021-01-01",
      is_available: true,
      is_new: false,
      attributes: [
        { name: "Voltage", value: "230 V" },
        { name: "Tension", value: "230 V", locale: "fr" },
      ],
      custom_fields: [
        { name: "Size", type: "size", values: ["S", "M"] },
        { name: "Delivery day", type: "date_picker", range_from: "2026-12-01", range_to: "2026-12-24" },
        { name: "Engraving", type: "textfield", locale: "en-GB" },
      ],
      allowed_countries: ["DE", "AT"],
      related_product_ids: [],
      options: [],
      variants: [],
      variant_pricing: "absolute",
      destination: { url: "https://acme.example/espresso", chatbot: "0b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c" },
      inventory: {
        tracking: "product",
        quantity: 4,
        low_stock_threshold: 2,
        allow_backorder: false,
        min_order_quantity: 1,
        max_order_quantity: null,
      },
      in_stock: true,
      images: [],
      total_scans: 0,
      last_scanned_at: null,
      version: 1,
      created_at: product.created_at,
      updated_at: product.created_at,
      created_by: main.keyId,
      updated_by: main.keyId,
    });
    expect(await json(await get(product.id), 200)).toEqual(product);
  });

  it("fills every default from a name alone", async () => {
    const product = await createProduct<Product>(main.key, { name: "Bare" });
    expect(product).toMatchObject({
      name: "Bare",
      description: null,
      status: "active",
      type: "physical",
      shippable: true,
      schedule_appointment: false,
      sku: null,
      gtin: null,
      tax_category: null,
      tax_behavior: "exclusive",
      prices: [],
      default_currency: null,
      features: [],
      tags: [],
      props: {},
      agent_ids: [],
      slug: "bare",
      seo: { title: null, description: null },
      default_locale: "en",
      localizations: {},
      visible: true,
      buyable: true,
      on_sale: false,
      discountable: true,
      reviews_allowed: false,
      exclude_from_feeds: false,
      available_from: null,
      available_to: null,
      new_from: null,
      new_to: null,
      is_available: true,
      is_new: false,
      attributes: [],
      custom_fields: [],
      allowed_countries: [],
      related_product_ids: [],
      options: [],
      variants: [],
      variant_pricing: "absolute",
      destination: null,
      inventory: {
        tracking: "none",
        quantity: 0,
        low_stock_threshold: null,
        allow_backorder: false,
        min_order_quantity: 1,
        max_order_quantity: null,
      },
      in_stock: true,
      images: [],
      total_scans: 0,
      last_scanned_at: null,
      version: 1,
    });
  });

  it("refuses a duplicate sku or gtin in the org with 409, writing nothing", async () => {
    const first = await createProduct<Product>(main.key, {
      name: "First",
      sku: "DUP-1",
      gtin: "036000291452",
    });
    const countBefore = await count(main.key);
    await expectError(
      await api("/v1/products", { method: "POST", key: main.key, body: { name: "x", sku: "DUP-1" } }),
      409,
      "duplicate_sku",
    );
    // The GTIN-13 spelling of the same GTIN-12 is the same product code.
    await expectError(
      await api("/v1/products", {
        method: "POST",
        key: main.key,
        body: { name: "x", gtin: "0036000291452" },
      }),
      409,
      "duplicate_gtin",
    );
    expect(await count(main.key)).toBe(countBefore);
    // A different sku is fine, and sku comparison is exact (case matters).
    await createProduct<Product>(main.key, { name: "Second", sku: "dup-1" });
    // Freed by an update, the sku can be taken again.
    expect((await patch(first.id, { sku: "DUP-1-OLD" })).status).toBe(200);
    await createProduct<Product>(main.key, { name: "Third", sku: "DUP-1" });
  });
});

async function count(key: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : "";
    const page = (await (await api(`/v1/products?limit=100${query}`, { key })).json()) as {
      data: unknown[];
      next_cursor: string | null;
    };
    total += page.data.length;
    cursor = page.next_cursor;
  } while (cursor);
  return total;
}

describe("read", () => {
  let product: Product;
  beforeAll(async () => {
    product = await createProduct<Product>(main.key, { name: "Readable" });
  });

  it("answers 200 with ETag and the common headers", async () => {
    const response = await get(product.id);
    expect(await json(response, 200)).toEqual(product);
    expect(response.headers.get("ETag")).toBe('"1"');
    expectCommonHeaders(response);
  });

  it.each([['"1"'], ['W/"1"'], ['"7", "1"'], ["*"]])("answers 304 to If-None-Match %s", async (tag) => {
    const response = await get(product.id, { "If-None-Match": tag });
    expect(response.status).toBe(304);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(await response.text()).toBe("");
  });

  it("answers 200 to an If-None-Match that does not match", async () => {
    const response = await get(product.id, { "If-None-Match": '"2"' });
    expect(response.status).toBe(200);
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await api(`/v1/products/${product.id}`, { method: "HEAD", key: main.key });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(await response.text()).toBe("");
  });

  it("answers 404 for an unknown or malformed id", async () => {
    await expectError(await get(`prod_${"0".repeat(26)}`), 404, "not_found");
    await expectError(await get("not-an-id"), 404, "not_found");
  });
});

describe("replace (PUT)", () => {
  it("replaces every writable field; absent ones take their defaults; authorship kept", async () => {
    const created = await createProduct<Product>(main.key, { ...fullInput(), sku: "PUT-1" });
    const response = await put(created.id, { name: "Replaced", tags: ["new"] }, {}, other.key);
    const replaced = await json(response, 200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expectCommonHeaders(response);
    expect(replaced).toMatchObject({
      id: created.id,
      name: "Replaced",
      description: null,
      status: "active",
      shippable: true,
      schedule_appointment: false,
      sku: null,
      tax_behavior: "exclusive",
      prices: [],
      default_currency: null,
      features: [],
      tags: ["new"],
      props: {},
      agent_ids: [],
      version: 2,
      created_at: created.created_at,
      created_by: main.keyId,
      updated_by: other.id,
    });
    expect(Date.parse(replaced.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.created_at));
    expect(await json(await get(created.id), 200)).toEqual(replaced);
    // The sku it dropped is free again.
    await createProduct<Product>(main.key, { name: "Takes PUT-1", sku: "PUT-1" });
  });

  it("accepts what GET returned, read-only fields and all", async () => {
    const created = await createProduct<Product>(main.key, { name: "Round trip" });
    const response = await put(created.id, { ...created, name: "Round trip 2", version: 99, id: "prod_x" });
    const replaced = await json(response, 200);
    expect(replaced).toMatchObject({ id: created.id, name: "Round trip 2", version: 2 });
  });

  it("a replacement that changes nothing keeps the version and ETag", async () => {
    const created = await createProduct<Product>(main.key, fullInput());
    const response = await put(created.id, created);
    expect(await json(response, 200)).toEqual(created);
    expect(response.headers.get("ETag")).toBe('"1"');
  });

  it("honours If-Match: a current tag, a list, * apply; a stale or weak one is 412 and changes nothing", async () => {
    const created = await createProduct<Product>(main.key, { name: "Guarded" });
    expect((await put(created.id, { name: "v2" }, { "If-Match": '"1"' })).status).toBe(200);
    expect((await put(created.id, { name: "v3" }, { "If-Match": '"9", "2"' })).status).toBe(200);
    expect((await put(created.id, { name: "v4" }, { "If-Match": "*" })).status).toBe(200);
    for (const stale of ['"1"', 'W/"4"', "garbage", '"3", "5"']) {
      const response = await put(created.id, { name: "lost" }, { "If-Match": stale });
      const error = await expectError(response, 412, "precondition_failure");
      expect((error as unknown as { current_version: number }).current_version).toBe(4);
      expect(response.headers.get("ETag")).toBe('"4"');
    }
    expect(await json(await get(created.id), 200)).toMatchObject({ name: "v4", version: 4 });
  });

  it("answers 404 for an unknown id, whatever If-Match says", async () => {
    await expectError(await put(`prod_${"0".repeat(26)}`, { name: "x" }), 404, "not_found");
    await expectError(
      await put(`prod_${"0".repeat(26)}`, { name: "x" }, { "If-Match": "*" }),
      404,
      "not_found",
    );
  });
});

describe("update (PATCH)", () => {
  it("merges (RFC 7396): objects merged, null resets, arrays replaced, the rest kept", async () => {
    const created = await createProduct<Product>(main.key, fullInput());
    const response = await patch(
      created.id,
      {
        name: "Patched",
        description: null,
        tags: ["solo"],
        props: { dimensions: { width_mm: null, height_mm: 300 }, color: "red" },
      },
      {},
      other.key,
    );
    const patched = await json(response, 200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expectCommonHeaders(response);
    expect(patched).toEqual({
      ...created,
      name: "Patched",
      description: null,
      tags: ["solo"],
      props: { material: "stainless steel", dimensions: { height_mm: 300 }, color: "red" },
      version: 2,
      updated_at: patched.updated_at,
      updated_by: other.id,
    });
  });

  it("accepts application/json too", async () => {
    const created = await createProduct<Product>(main.key, { name: "Plain JSON" });
    const response = await api(`/v1/products/${created.id}`, {
      method: "PATCH",
      key: main.key,
      body: { status: "archived" },
    });
    expect(await json(response, 200)).toMatchObject({ status: "archived", version: 2 });
  });

  it("null on a field with a default restores the default", async () => {
    const created = await createProduct<Product>(main.key, {
      name: "Defaults",
      status: "inactive",
      tags: ["a"],
    });
    const patched = await json(await patch(created.id, { status: null, tags: null }), 200);
    expect(patched).toMatchObject({ status: "active", tags: [] });
  });

  it("a patch that changes nothing keeps the version", async () => {
    const created = await createProduct<Product>(main.key, fullInput());
    for (const body of [{}, { name: "Espresso machine" }, { ...created }]) {
      const response = await patch(created.id, body);
      expect(await json(response, 200)).toEqual(created);
      expect(response.headers.get("ETag")).toBe('"1"');
    }
  });

  it("honours If-Match; a stale one is 412 with current_version and changes nothing", async () => {
    const created = await createProduct<Product>(main.key, { name: "Guarded patch" });
    expect((await patch(created.id, { name: "v2" }, { "If-Match": '"1"' })).status).toBe(200);
    const response = await patch(created.id, { name: "lost" }, { "If-Match": '"1"' });
    const error = await expectError(response, 412, "precondition_failure");
    expect((error as unknown as { current_version: number }).current_version).toBe(2);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await json(await get(created.id), 200)).toMatchObject({ name: "v2", version: 2 });
  });

  it("answers 404 for an unknown id", async () => {
    await expectError(await patch(`prod_${"0".repeat(26)}`, { name: "x" }), 404, "not_found");
  });

  it("a duplicate sku through PATCH is 409 and changes nothing", async () => {
    await createProduct<Product>(main.key, { name: "Holder", sku: "PATCH-DUP" });
    const created = await createProduct<Product>(main.key, { name: "Taker" });
    await expectError(await patch(created.id, { sku: "PATCH-DUP" }), 409, "duplicate_sku");
    expect(await json(await get(created.id), 200)).toEqual(created);
  });
});

describe("delete", () => {
  it("answers 200 {id, object, deleted}; the product and its sku are gone", async () => {
    const created = await createProduct<Product>(main.key, {
      name: "Doomed",
      sku: "DEL-1",
      tags: ["doomed"],
    });
    const response = await remove(created.id);
    expect(await json(response, 200)).toEqual({ id: created.id, object: "product", deleted: true });
    expectCommonHeaders(response);
    await expectError(await get(created.id), 404, "not_found");
    await expectError(await remove(created.id), 404, "not_found");
    await expectError(await patch(created.id, { name: "x" }), 404, "not_found");
    const list = (await (await api("/v1/products?tag=doomed", { key: main.key })).json()) as { data: [] };
    expect(list.data).toEqual([]);
    await createProduct<Product>(main.key, { name: "Reuses", sku: "DEL-1" });
  });

  it("honours If-Match: stale is 412 and the product stays; current deletes", async () => {
    const created = await createProduct<Product>(main.key, { name: "Guarded delete" });
    await patch(created.id, { name: "v2" });
    const response = await remove(created.id, { "If-Match": '"1"' });
    const error = await expectError(response, 412, "precondition_failure");
    expect((error as unknown as { current_version: number }).current_version).toBe(2);
    expect((await get(created.id)).status).toBe(200);
    expect((await remove(created.id, { "If-Match": '"2"' })).status).toBe(200);
    await expectError(await get(created.id), 404, "not_found");
  });
});

describe("concurrency", () => {
  it("20 concurrent PATCHes with the same If-Match: exactly one 200, the rest 412, version +1", async () => {
    const created = await createProduct<Product>(main.key, { name: "Contended" });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => patch(created.id, { name: `writer ${i}` }, { "If-Match": '"1"' })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(412)]);
    const winner = responses.find((response) => response.status === 200) as Response;
    const won = (await winner.json()) as Product;
    for (const response of responses.filter((r) => r.status === 412)) {
      const body = (await response.json()) as { key: string; current_version: number };
      expect(body).toMatchObject({ key: "precondition_failure", current_version: 2 });
    }
    expect(await json(await get(created.id), 200)).toMatchObject({ name: won.name, version: 2 });
  });

  it("concurrent PATCHes without If-Match lose no change", async () => {
    const created = await createProduct<Product>(main.key, { name: "Merged", props: {} });
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => patch(created.id, { props: { [`k${i}`]: i } })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array<number>(10).fill(200));
    const final = await json(await get(created.id), 200);
    expect(final.version).toBe(11);
    expect(final.props).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])));
  });

  it("concurrent creates of one sku: exactly one wins, the rest are 409", async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api("/v1/products", { method: "POST", key: main.key, body: { name: "Race", sku: "RACE-1" } }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    const list = (await (await api("/v1/products?sku=RACE-1", { key: main.key })).json()) as { data: [] };
    expect(list.data).toHaveLength(1);
  });
});

describe("the error boundary", () => {
  it("turns a thrown bug into 500 internal_error without internals", async () => {
    const app = createApp();
    app.get("/v1/boom", () => {
      throw new Error("SELECT * FROM secrets WHERE token = 'hunter2'");
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    let response: Response;
    try {
      response = await app.fetch(new Request("https://api.test/v1/boom"), env, {
        waitUntil() {},
        passThroughOnException() {},
        props: {},
      } as unknown as ExecutionContext);
    } finally {
      console.error = original;
    }
    const text = await response.text();
    expect(response.status).toBe(500);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["key", "message", "request_id"]);
    expect(body.key).toBe("internal_error");
    expect(response.headers.get("Request-Id")).toBe(body.request_id);
    expect(text).not.toMatch(/SELECT|hunter2|at .*\.ts/);
    // The details go to the log, under the request id.
    expect(JSON.stringify(errors)).toContain(String(body.request_id));
  });

  it("Server-Timing is only on responses that touched D1", async () => {
    const response = await api("/health");
    expect(response.headers.get("Server-Timing")).toBeNull();
  });
});

describe("D1 sessions", () => {
  const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]+$/;
  /** Bookmarks order by their leading fields, as D1 compares them. */
  const position = (bookmark: string) => bookmark.split("-").slice(0, 3).join("-");
  const REPLICATED = { D1_READ_REPLICATION: "on" };
  const MALFORMED = ["garbage", "'; DROP TABLE products; --", "x".repeat(300), "0000000a-0000000b-0000000c"];

  it("without read replication no session is opened: no D1-Bookmark, and a GET reads the write before it", async () => {
    expect(env.D1_READ_REPLICATION).toBe("off");
    const created = await api("/v1/products", { method: "POST", key: main.key, body: { name: "Unbooked" } });
    const product = await json(created, 201);
    expect(created.headers.get("D1-Bookmark")).toBeNull();
    const read = await get(product.id);
    expect(await json(read, 200)).toEqual(product);
    expect(read.headers.get("D1-Bookmark")).toBeNull();
    expect(read.headers.get("Server-Timing")).toContain("rows_read=");
  });

  it("with read replication every response that touched D1 carries a D1-Bookmark, and sending it back reads own writes", async () => {
    const created = await api("/v1/products", {
      method: "POST",
      key: main.key,
      body: { name: "Bookmarked" },
      vars: REPLICATED,
    });
    const product = await json(created, 201);
    const written = created.headers.get("D1-Bookmark") ?? "";
    expect(written).toMatch(BOOKMARK);

    const unbooked = await api(`/v1/products/${product.id}`, { key: main.key, vars: REPLICATED });
    expect(unbooked.headers.get("D1-Bookmark")).toMatch(BOOKMARK);
    const read = await api(`/v1/products/${product.id}`, {
      key: main.key,
      headers: { "D1-Bookmark": written },
      vars: REPLICATED,
    });
    expect(await json(read, 200)).toEqual(product);
    const after = read.headers.get("D1-Bookmark") ?? "";
    expect(after).toMatch(BOOKMARK);
    expect(position(after) >= position(written)).toBe(true);
  });

  it("without read replication a request that sends a D1-Bookmark runs in a session from it", async () => {
    const created = await api("/v1/products", {
      method: "POST",
      key: main.key,
      body: { name: "Carried bookmark" },
      vars: REPLICATED,
    });
    const product = await json(created, 201);
    const written = created.headers.get("D1-Bookmark") ?? "";
    const read = await get(product.id, { "D1-Bookmark": ` ${written} ` });
    expect(await json(read, 200)).toEqual(product);
    const after = read.headers.get("D1-Bookmark") ?? "";
    expect(after).toMatch(BOOKMARK);
    expect(position(after) >= position(written)).toBe(true);
    const renamed = await patch(product.id, { name: "Carried again" }, { "D1-Bookmark": after });
    expect((await json(renamed, 200)).name).toBe("Carried again");
    expect(position(renamed.headers.get("D1-Bookmark") ?? "") >= position(after)).toBe(true);
  });

  it("a malformed D1-Bookmark is ignored, not passed to D1", async () => {
    const product = await createProduct<Product>(main.key, { name: "Ignored bookmark" });
    for (const bookmark of MALFORMED) {
      const plain = await get(product.id, { "D1-Bookmark": bookmark });
      expect(plain.status).toBe(200);
      expect(plain.headers.get("D1-Bookmark")).toBeNull();
      const replicated = await api(`/v1/products/${product.id}`, {
        key: main.key,
        headers: { "D1-Bookmark": bookmark },
        vars: REPLICATED,
      });
      expect(replicated.status).toBe(200);
      expect(replicated.headers.get("D1-Bookmark")).toMatch(BOOKMARK);
    }
  });

  it("concurrent requests share the isolate's one drizzle instance yet each meters only its own queries and keeps its own session", async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, index) => createProduct(main.key, { name: `Metered ${index}` })),
    );
    const limits = [1, 3, 10, 25, 60, 100];
    const list = (limit: number, replicated: boolean) =>
      api(`/v1/products?limit=${limit}`, { key: main.key, ...(replicated ? { vars: REPLICATED } : {}) });
    const cost = (response: Response) => {
      const match = /rows_read=(\d+) rows_written=0 queries=(\d+)/.exec(
        response.headers.get("Server-Timing") ?? "",
      );
      expect(match, "Server-Timing reports the request's D1 cost").not.toBeNull();
      return { rows: Number(match?.[1]), queries: Number(match?.[2]) };
    };
    const alone: { rows: number; queries: number }[] = [];
    for (const limit of limits) alone.push(cost(await list(limit, false)));
    const together = await Promise.all(limits.map((limit, index) => list(limit, index % 2 === 1)));
    together.forEach((response, index) => {
      expect(response.status).toBe(200);
      // The key's lookup (once a second) may fall to any one of them: one query, one row more.
      const extra = cost(response).queries - (alone[index]?.queries ?? 0);
      expect([0, 1]).toContain(extra);
      expect(cost(response).rows).toBe((alone[index]?.rows ?? 0) + extra);
      expect(response.headers.get("D1-Bookmark") !== null).toBe(index % 2 === 1);
    });
  });

  it("responses that never touched D1 carry none", async () => {
    expect((await api("/health")).headers.get("D1-Bookmark")).toBeNull();
    expect((await api("/health", { vars: REPLICATED })).headers.get("D1-Bookmark")).toBeNull();
  });
});
