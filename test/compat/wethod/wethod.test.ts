// The Wethod dialect (/compat/wethod): Wethod's documented create answers its documented shape, with
// integer ids (the product's number in its org) and decimal prices in the org's default currency.
import { beforeEach, describe, expect, it } from "vitest";
import {
  admin,
  api,
  createKey,
  createOrg,
  expectError,
  expectFailures,
  type Tenant,
  tenant,
} from "../../helpers";

const BASE = "/compat/wethod/api/products";

/** Wethod's example, as its page prints it (the response example's values as the request). */
const EXAMPLE = {
  name: "Premium Software License",
  description: "Annual license for premium software features",
  available_from: "2024-01-01",
  available_to: "2024-12-31",
  external_cost: 100.5,
  markup: 20,
  price: 120.6,
};

const RESPONSE_KEYS = [
  "available_from",
  "available_to",
  "created_at",
  "description",
  "external_cost",
  "id",
  "markup",
  "name",
  "price",
  "updated_at",
];

type WethodProduct = typeof EXAMPLE & { id: number; created_at: string; updated_at: string };

let t: Tenant;
beforeEach(async () => {
  t = await tenant();
});

const post = (body: unknown, headers?: Record<string, string>) =>
  api(BASE, { method: "POST", key: t.key, body, headers });

async function created(body: unknown = EXAMPLE): Promise<WethodProduct> {
  const response = await post(body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as WethodProduct;
}

const setCurrency = async (currency: string) =>
  expect(
    (await admin(`/orgs/${t.orgId}`, { method: "PATCH", body: { default_currency: currency } })).status,
  ).toBe(200);

const v1 = async (id: string) =>
  (await (await api(`/v1/products/${id}`, { key: t.key })).json()) as Record<string, unknown> & {
    id: string;
    number: number;
  };

async function v1ByNumber(number: number) {
  const list = (await (await api("/v1/products?limit=100", { key: t.key })).json()) as {
    data: { id: string; number: number }[];
  };
  return v1((list.data.find((product) => product.number === number) as { id: string }).id);
}

describe("Wethod's example, as printed", () => {
  it("answers 201 with the documented keys and values, id 1 for an org's first product", async () => {
    const response = await post(EXAMPLE);
    expect(response.status).toBe(201);
    const product = (await response.json()) as WethodProduct;
    expect(Object.keys(product).sort()).toEqual(RESPONSE_KEYS);
    expect(product).toEqual({
      ...EXAMPLE,
      id: 1,
      created_at: product.created_at,
      updated_at: product.created_at,
    });
    expect(response.headers.get("Location")).toBe(`${BASE}/1`);
    const stored = await v1ByNumber(1);
    expect(stored).toMatchObject({
      number: 1,
      name: EXAMPLE.name,
      available_from: "2024-01-01",
      available_to: "2024-12-31",
      prices: [{ currency: "EUR", amount: 12060, cost_amount: 10050, markup_percent: 20 }],
      default_currency: "EUR",
    });
    expect((await created()).id).toBe(2);
  });

  it("a product of another org with the same number is not this org's", async () => {
    await created();
    const other = await tenant();
    await expectError(await api(`${BASE}/2`, { key: other.key }), 404, "not_found");
    const theirs = await api(BASE, { method: "POST", key: other.key, body: { name: "Theirs" } });
    expect(((await theirs.json()) as WethodProduct).id).toBe(1);
    const mine = (await (await api(`${BASE}/1`, { key: t.key })).json()) as WethodProduct;
    expect(mine.name).toBe(EXAMPLE.name);
  });
});

describe("prices: decimals in the org's default currency, exact", () => {
  it("without a price, external_cost × (100 + markup) / 100; without any, 0", async () => {
    const { price: _price, ...costed } = EXAMPLE;
    expect((await created(costed)).price).toBe(120.6);
    const bare = await created({ name: "Bare" });
    expect(bare).toMatchObject({
      price: 0,
      external_cost: 0,
      markup: 0,
      description: null,
      available_from: null,
    });
  });

  it("only a price: no cost or markup stored", async () => {
    const product = await created({ name: "Priced", price: 19.99 });
    expect(product).toMatchObject({ price: 19.99, external_cost: 0, markup: 0 });
    expect((await v1ByNumber(product.id)).prices).toEqual([
      { currency: "EUR", amount: 1999, compare_at_amount: null, cost_amount: null, markup_percent: null },
    ]);
  });

  it("decimals up to the currency's exponent, and not one more", async () => {
    await created({ name: "Cents", price: 0.01 });
    await expectFailures(await post({ name: "Too fine", price: 0.001 }), ["price"]);
    await expectFailures(await post({ name: "Too fine", external_cost: 1.005 }), ["external_cost"]);
    await setCurrency("JPY");
    const yen = await created({ name: "Yen", price: 1200 });
    expect(yen.price).toBe(1200);
    expect((await v1ByNumber(yen.id)).prices).toMatchObject([{ currency: "JPY", amount: 1200 }]);
    await expectFailures(await post({ name: "Half yen", price: 12.5 }), ["price"]);
    await setCurrency("BHD");
    expect((await created({ name: "Fils", price: 1.234 })).price).toBe(1.234);
    await expectFailures(await post({ name: "Too fine", price: 1.2345 }), ["price"]);
  });

  it("a price that disagrees with cost and markup, or past the range, is refused naming it", async () => {
    await expectFailures(await post({ ...EXAMPLE, price: 120.61 }), ["price"]);
    expect((await created({ name: "Max", price: 9_999_999_999.99 })).price).toBe(9_999_999_999.99);
    await expectFailures(await post({ name: "Over", price: 10_000_000_000 }), ["price"]);
    await expectFailures(await post({ name: "Negative", price: -1 }), ["price"]);
    await expectFailures(await post({ name: "Text", price: "120.6" }), ["price"]);
    expect((await created({ ...EXAMPLE, markup: 20.1234, price: undefined })).markup).toBe(20.1234);
    await expectFailures(await post({ ...EXAMPLE, markup: 20.12345, price: undefined }), ["markup"]);
  });
});

describe("the other fields at their edges", () => {
  it("name 1–50 and description ≤ 50 characters in this dialect", async () => {
    expect((await created({ name: "n".repeat(50), description: "d".repeat(50) })).name).toHaveLength(50);
    await expectFailures(await post({ name: "n".repeat(51) }), ["name"]);
    await expectFailures(await post({ name: "" }), ["name"]);
    await expectFailures(await post({ name: "x", description: "d".repeat(51) }), ["description"]);
    await expectFailures(await post({ description: "no name" }), ["name"]);
  });

  it("dates: YYYY-MM-DD that exist, from ≤ to", async () => {
    expect(
      (await created({ name: "Day", available_from: "2024-02-29", available_to: "2024-02-29" })).available_to,
    ).toBe("2024-02-29");
    await expectFailures(await post({ name: "x", available_from: "2023-02-29" }), ["available_from"]);
    await expectFailures(await post({ name: "x", available_from: "2024-01-01T00:00:00Z" }), [
      "available_from",
    ]);
    const reversed = await post({ name: "x", available_from: "2024-12-31", available_to: "2024-01-01" });
    expect(((await expectError(reversed, 400, "invalid_data")).failures ?? []).length).toBeGreaterThan(0);
  });

  it("what Wethod cannot say is refused naming the field", async () => {
    await expectFailures(await post({ name: "x", currency: "USD" }), ["currency"]);
    await expectFailures(await post({ name: "x", id: 7 }), ["id"]);
    await expectFailures(await post({ name: "x", sku: "A" }), ["sku"]);
  });
});

describe("one product, whichever API wrote it", () => {
  it("a /v1 change shows in Wethod; a /v1 product without a price in the org's currency reads 0", async () => {
    const product = await created();
    const stored = await v1ByNumber(product.id);
    await api(`/v1/products/${stored.id}`, {
      method: "PATCH",
      key: t.key,
      body: {
        name: "Renamed",
        available_to: "2025-06-30T12:00:00Z",
        prices: [{ currency: "EUR", amount: 9900 }],
      },
    });
    const read = (await (await api(`${BASE}/${product.id}`, { key: t.key })).json()) as WethodProduct;
    expect(read).toMatchObject({
      name: "Renamed",
      price: 99,
      external_cost: 0,
      markup: 0,
      available_to: "2025-06-30",
    });
    const usd = await api("/v1/products", {
      method: "POST",
      key: t.key,
      body: { name: "Dollars", prices: [{ currency: "USD", amount: 500 }] },
    });
    const { number } = (await usd.json()) as { number: number };
    const other = (await (await api(`${BASE}/${number}`, { key: t.key })).json()) as WethodProduct;
    expect(other).toMatchObject({ id: number, name: "Dollars", price: 0 });
  });

  it("ids that are no product's number are 404", async () => {
    await created();
    for (const id of ["0", "-1", "abc", "1.0", "01", "999", "99999999999999999999"]) {
      await expectError(await api(`${BASE}/${id}`, { key: t.key }), 404, "not_found");
    }
  });
});

describe("the /v1 guarantees, in Wethod's dialect", () => {
  it("needs a key with product.edit to create, product.read to read", async () => {
    await expectError(await api(BASE, { method: "POST", body: EXAMPLE }), 401, "unauthorized");
    const reader = await createKey([t.orgId], ["product.read"]);
    await expectError(await api(BASE, { method: "POST", key: reader.key, body: EXAMPLE }), 403, "forbidden");
    await created();
    expect((await api(`${BASE}/1`, { key: reader.key })).status).toBe(200);
  });

  it("Org-Id names the company: a key of two orgs needs it", async () => {
    const second = await createOrg();
    const both = await createKey([t.orgId, second]);
    await expectError(await api(BASE, { method: "POST", key: both.key, body: EXAMPLE }), 400, "org_required");
    const response = await api(BASE, {
      method: "POST",
      key: both.key,
      body: EXAMPLE,
      headers: { "Org-Id": second },
    });
    expect(response.status).toBe(201);
  });

  it("an Idempotency-Key replays the create: one product, one number", async () => {
    const headers = { "Idempotency-Key": `wethod-${crypto.randomUUID()}` };
    const first = (await (await post(EXAMPLE, headers)).json()) as WethodProduct;
    const again = await post(EXAMPLE, headers);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await again.json()) as WethodProduct).id).toBe(first.id);
    expect((await created()).id).toBe(first.id + 1);
  });

  it("a create emits product.created", async () => {
    const orgId = await createOrg();
    const { id, key } = await createKey([orgId], ["product.edit", "webhook.manage"]);
    t = { orgId, key, keyId: id };
    await created();
    const events = (await (await api("/v1/events", { key })).json()) as {
      data: { type: string; data: { object: { number: number } } }[];
    };
    expect(events.data.map((event) => [event.type, event.data.object.number])).toEqual([
      ["product.created", 1],
    ]);
  });

  it("/compat/wethod/openapi.json has Wethod's operations at Wethod's paths", async () => {
    const doc = (await (await api("/compat/wethod/openapi.json")).json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, unknown>>;
      components: Record<string, Record<string, unknown>>;
    };
    expect(doc.servers).toEqual([{ url: "/compat/wethod" }]);
    expect(Object.keys(doc.paths).sort()).toEqual(["/api/products", "/api/products/{id}"]);
    for (const [, kind, name] of JSON.stringify(doc).matchAll(/"#\/components\/(\w+)\/([^"]+)"/g)) {
      expect(doc.components[kind as string]?.[name as string], `${kind}/${name}`).toBeDefined();
    }
  });
});
