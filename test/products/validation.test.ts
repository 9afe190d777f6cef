import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SEED_CURRENCIES } from "../fixtures/seed-currencies";
import { admin, api, BASE, createProduct, expectError, expectFailures, sharedTenant } from "../helpers";

interface Price {
  currency: string;
  amount: number;
  compare_at_amount: number | null;
  cost_amount: number | null;
  markup_percent: number | null;
}
interface Product {
  id: string;
  version: number;
  name: string;
  description: string | null;
  status: string;
  type: string;
  shippable: boolean;
  schedule_appointment: boolean;
  sku: string | null;
  gtin: string | null;
  tax_category: string | null;
  tax_behavior: string;
  prices: Price[];
  default_currency: string | null;
  features: string[];
  tags: string[];
  props: Record<string, unknown>;
  agent_ids: string[];
  created_at: string;
}

/** `ok` receives every accepted write; `bad` only failures, so its catalogue must stay empty. */
const ok = sharedTenant();
const bad = sharedTenant();
let currencyCodes: string[];

beforeAll(async () => {
  const response = await api("/v1/currencies", { key: ok.key });
  currencyCodes = ((await response.json()) as { data: { code: string }[] }).data.map((c) => c.code);
});

const post = (key: string, body: unknown, headers?: Record<string, string>) =>
  api("/v1/products", { method: "POST", key, body, headers });

async function accepted(body: Record<string, unknown>): Promise<Product> {
  const response = await post(ok.key, { name: "Widget", ...body });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  const product = JSON.parse(text) as Product;
  expect(response.headers.get("Location")).toBe(`/v1/products/${product.id}`);
  expect(response.headers.get("ETag")).toBe('"1"');
  return product;
}

async function expectNothingWritten() {
  const response = await api("/v1/products?limit=100", { key: bad.key });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { data: unknown[] }).data).toEqual([]);
}

/** POSTs a raw body to the `bad` tenant: invalid_data with exactly `fields`, and nothing stored. */
async function rejectedRaw(body: unknown, fields: string[]) {
  const result = await expectFailures(await post(bad.key, body), fields);
  await expectNothingWritten();
  return result;
}
const rejected = (body: Record<string, unknown>, fields: string[]) =>
  rejectedRaw({ name: "Widget", ...body }, fields);

const gs1Valid = (digits: string) => {
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight)
    sum += Number(digits[i]) * weight;
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
};

describe("name", () => {
  it("accepts 512 characters and refuses 513", async () => {
    expect((await accepted({ name: "a".repeat(512) })).name).toBe("a".repeat(512));
    await rejected({ name: "a".repeat(513) }, ["name"]);
  });
  it("counts code points: 512 emoji are accepted, 513 refused", async () => {
    expect((await accepted({ name: "😀".repeat(512) })).name).toBe("😀".repeat(512));
    await rejected({ name: "😀".repeat(513) }, ["name"]);
  });
  it("is trimmed, before the length is counted", async () => {
    expect((await accepted({ name: "  Espresso machine \n" })).name).toBe("Espresso machine");
    expect((await accepted({ name: ` ${"b".repeat(512)} ` })).name).toBe("b".repeat(512));
  });
  it("refuses an empty name, a name of only spaces, a missing name and a non-string", async () => {
    await rejected({ name: "" }, ["name"]);
    await rejected({ name: "    " }, ["name"]);
    await rejected({ name: 42 }, ["name"]);
    await rejectedRaw({ description: "no name" }, ["name"]);
    await rejectedRaw({}, ["name"]);
  });
});

describe("description", () => {
  it("accepts 5000 characters, untrimmed, and null; refuses 5001", async () => {
    expect((await accepted({ description: "d".repeat(5000) })).description).toBe("d".repeat(5000));
    expect((await accepted({ description: " spaced " })).description).toBe(" spaced ");
    expect((await accepted({ description: null })).description).toBeNull();
    expect((await accepted({})).description).toBeNull();
    await rejected({ description: "d".repeat(5001) }, ["description"]);
    await rejected({ description: 5 }, ["description"]);
  });
});

describe("enums", () => {
  it("status: all four values, default active, anything else refused", async () => {
    for (const status of ["unconfigured", "active", "inactive", "archived"]) {
      expect((await accepted({ status })).status).toBe(status);
    }
    expect((await accepted({})).status).toBe("active");
    await rejected({ status: "deleted" }, ["status"]);
    await rejected({ status: "Active" }, ["status"]);
  });
  it("type: all three values, default physical, anything else refused", async () => {
    for (const type of ["physical", "service", "digital"]) expect((await accepted({ type })).type).toBe(type);
    expect((await accepted({})).type).toBe("physical");
    await rejected({ type: "bundle" }, ["type"]);
  });
  it("tax_behavior: exclusive and inclusive, default exclusive, anything else refused", async () => {
    for (const tax_behavior of ["exclusive", "inclusive"]) {
      expect((await accepted({ tax_behavior })).tax_behavior).toBe(tax_behavior);
    }
    expect((await accepted({})).tax_behavior).toBe("exclusive");
    await rejected({ tax_behavior: "included" }, ["tax_behavior"]);
  });
});

describe("shippable and schedule_appointment", () => {
  it("defaults shippable by type", async () => {
    expect((await accepted({})).shippable).toBe(true);
    expect((await accepted({ type: "service" })).shippable).toBe(false);
    expect((await accepted({ type: "digital" })).shippable).toBe(false);
    expect((await accepted({ type: "physical", shippable: false })).shippable).toBe(false);
    expect((await accepted({ type: "service", shippable: false })).shippable).toBe(false);
  });
  it("refuses shippable true for service and digital, and a non-boolean", async () => {
    const body = await rejected({ type: "service", shippable: true }, ["shippable"]);
    expect(body.failures?.[0]?.message).toMatch(/service/);
    await rejected({ type: "digital", shippable: true }, ["shippable"]);
    await rejected({ shippable: "yes" }, ["shippable"]);
  });
  it("schedule_appointment is a boolean, default false", async () => {
    expect((await accepted({})).schedule_appointment).toBe(false);
    expect((await accepted({ schedule_appointment: true })).schedule_appointment).toBe(true);
    await rejected({ schedule_appointment: "true" }, ["schedule_appointment"]);
    await rejected({ schedule_appointment: 1 }, ["schedule_appointment"]);
  });
});

describe("sku and tax_category", () => {
  it("sku: 64 accepted (trimmed: test/products/identifiers.test.ts), null accepted, 65 and empty refused", async () => {
    expect((await accepted({ sku: "S".repeat(64) })).sku).toBe("S".repeat(64));
    expect((await accepted({ sku: " SKU-1 " })).sku).toBe("SKU-1");
    expect((await accepted({ sku: null })).sku).toBeNull();
    await rejected({ sku: "S".repeat(65) }, ["sku"]);
    await rejected({ sku: "" }, ["sku"]);
    await rejected({ sku: 123 }, ["sku"]);
  });
  it("tax_category: 64 accepted, null default, 65 and empty refused", async () => {
    expect((await accepted({ tax_category: "t".repeat(64) })).tax_category).toBe("t".repeat(64));
    expect((await accepted({})).tax_category).toBeNull();
    await rejected({ tax_category: "t".repeat(65) }, ["tax_category"]);
    await rejected({ tax_category: "" }, ["tax_category"]);
  });
});

describe("gtin", () => {
  it("accepts valid GTIN-8, 12, 13 and 14", async () => {
    for (const gtin of ["96385074", "036000291452", "4006381333931", "10614141000415"]) {
      expect(gs1Valid(gtin)).toBe(true);
      expect((await accepted({ gtin })).gtin).toBe(gtin);
    }
    expect((await accepted({})).gtin).toBeNull();
  });
  it("strips spaces and hyphens and stores the digits", async () => {
    const product = await accepted({ gtin: "590-1234 12345-7" });
    expect(product.gtin).toBe("5901234123457");
    const read = await api(`/v1/products/${product.id}`, { key: ok.key });
    expect(((await read.json()) as Product).gtin).toBe("5901234123457");
  });
  it("refuses a wrong check digit, wrong lengths, letters, an empty string and a number", async () => {
    const wrong = `400638133393${(1 + 1) % 10}`;
    expect(gs1Valid(wrong)).toBe(false);
    const body = await rejected({ gtin: wrong }, ["gtin"]);
    expect(body.failures?.[0]?.message).toMatch(/check digit/i);
    await rejected({ gtin: "03600029145" }, ["gtin"]);
    await rejected({ gtin: "961234567890123" }, ["gtin"]);
    await rejected({ gtin: "40063813339A1" }, ["gtin"]);
    await rejected({ gtin: "" }, ["gtin"]);
    await rejected({ gtin: 4006381333931 }, ["gtin"]);
  });
});

describe("prices", () => {
  it("upper-cases the currency and outputs all five keys", async () => {
    const product = await accepted({ prices: [{ currency: "eur", amount: 1299 }] });
    expect(product.prices).toEqual([
      { currency: "EUR", amount: 1299, compare_at_amount: null, cost_amount: null, markup_percent: null },
    ]);
    expect(product.default_currency).toBe("EUR");
  });
  it("refuses an unknown currency, naming it, and a duplicate currency", async () => {
    const body = await rejected({ prices: [{ currency: "XXX", amount: 1 }] }, ["prices[0].currency"]);
    expect(body.failures?.[0]?.message).toContain("XXX");
    await rejected(
      {
        prices: [
          { currency: "EUR", amount: 1 },
          { currency: "usd", amount: 1 },
          { currency: "eur", amount: 2 },
        ],
      },
      ["prices[2].currency"],
    );
  });
  it("accepts amounts 0 and 999999999999", async () => {
    const product = await accepted({
      prices: [
        { currency: "USD", amount: 0 },
        { currency: "EUR", amount: 999_999_999_999, compare_at_amount: 999_999_999_999, cost_amount: 0 },
      ],
    });
    expect(product.prices.map((p) => p.amount)).toEqual([0, 999_999_999_999]);
    expect(product.prices[1]?.compare_at_amount).toBe(999_999_999_999);
    expect(product.prices[1]?.cost_amount).toBe(0);
  });
  it("refuses -1, 1000000000000, 12.5 and '1299' with the field path", async () => {
    for (const amount of [-1, 1_000_000_000_000, 12.5, "1299"]) {
      await rejected(
        {
          prices: [
            { currency: "USD", amount: 1 },
            { currency: "EUR", amount },
          ],
        },
        ["prices[1].amount"],
      );
    }
    await rejected({ prices: [{ currency: "USD", amount: 1, compare_at_amount: -1 }] }, [
      "prices[0].compare_at_amount",
    ]);
    await rejected({ prices: [{ currency: "USD", amount: 1, cost_amount: 1.5 }] }, ["prices[0].cost_amount"]);
    await rejected({ prices: [{ currency: "USD", amount: 1, price: 1 }] }, ["prices[0].price"]);
  });
  it("derives amount from cost and markup, rounding half away from zero", async () => {
    const cases: [number, number, number][] = [
      [1, 50, 2],
      [10050, 20, 12060],
      [333, 0.15, 333],
      [10, 5, 11],
      [3, -50, 2],
      [1, -100, 0],
      [10000, 20.0001, 12000],
    ];
    for (const [cost_amount, markup_percent, amount] of cases) {
      const product = await accepted({ prices: [{ currency: "EUR", cost_amount, markup_percent }] });
      expect(product.prices[0], `${cost_amount} @ ${markup_percent}`).toEqual({
        currency: "EUR",
        amount,
        compare_at_amount: null,
        cost_amount,
        markup_percent,
      });
    }
  });
  it("accepts all three when they agree, refuses a mismatch on amount", async () => {
    const product = await accepted({
      prices: [{ currency: "EUR", amount: 12060, cost_amount: 10050, markup_percent: 20 }],
    });
    expect(product.prices[0]?.amount).toBe(12060);
    await rejected({ prices: [{ currency: "EUR", amount: 12061, cost_amount: 10050, markup_percent: 20 }] }, [
      "prices[0].amount",
    ]);
  });
  it("refuses a price without amount unless both cost and markup are given", async () => {
    await rejected({ prices: [{ currency: "EUR", cost_amount: 100 }] }, ["prices[0].amount"]);
    await rejected({ prices: [{ currency: "EUR", markup_percent: 10 }] }, ["prices[0].amount"]);
    await rejected({ prices: [{ currency: "EUR" }] }, ["prices[0].amount"]);
    await rejected({ prices: [{ amount: 100 }] }, ["prices[0].currency"]);
  });
  it("markup_percent: 4 decimals and the range -100..100000", async () => {
    await rejected({ prices: [{ currency: "EUR", cost_amount: 100, markup_percent: 20.00001 }] }, [
      "prices[0].markup_percent",
    ]);
    await rejected({ prices: [{ currency: "EUR", cost_amount: 100, markup_percent: -100.5 }] }, [
      "prices[0].markup_percent",
    ]);
    await rejected({ prices: [{ currency: "EUR", cost_amount: 100, markup_percent: 100_001 }] }, [
      "prices[0].markup_percent",
    ]);
    const product = await accepted({
      prices: [{ currency: "EUR", cost_amount: 100, markup_percent: 100_000 }],
    });
    expect(product.prices[0]?.amount).toBe(100_100);
  });
  it("accepts 50 prices and refuses 51", async () => {
    expect(currencyCodes.length).toBeGreaterThanOrEqual(51);
    const prices = currencyCodes.slice(0, 51).map((currency, i) => ({ currency, amount: i }));
    const product = await accepted({ prices: prices.slice(0, 50) });
    expect(product.prices.map((p) => p.currency)).toEqual(currencyCodes.slice(0, 50));
    await rejected({ prices }, ["prices"]);
  });
  it("default_currency: first price's by default, case-insensitive, must be among prices", async () => {
    const prices = [
      { currency: "EUR", amount: 1 },
      { currency: "USD", amount: 2 },
    ];
    expect((await accepted({ prices })).default_currency).toBe("EUR");
    expect((await accepted({ prices, default_currency: "usd" })).default_currency).toBe("USD");
    expect((await accepted({})).default_currency).toBeNull();
    await rejected({ prices, default_currency: "GBP" }, ["default_currency"]);
    await rejected({ default_currency: "EUR" }, ["default_currency"]);
    await rejected({ prices, default_currency: "XXX" }, ["default_currency"]);
  });
});

describe("lists", () => {
  it("features: 100 accepted, 101 refused; each 1..512, untrimmed", async () => {
    const features = Array.from({ length: 101 }, (_, i) => `feature ${i}`);
    expect((await accepted({ features: features.slice(0, 100) })).features).toEqual(features.slice(0, 100));
    await rejected({ features }, ["features"]);
    expect((await accepted({ features: ["f".repeat(512), " x "] })).features).toEqual([
      "f".repeat(512),
      " x ",
    ]);
    await rejected({ features: ["ok", "f".repeat(513)] }, ["features[1]"]);
    await rejected({ features: ["ok", ""] }, ["features[1]"]);
    await rejected({ features: "one" }, ["features"]);
  });
  it("tags: 50 accepted, 51 refused; each 1..64 after trimming", async () => {
    const tags = Array.from({ length: 51 }, (_, i) => `tag-${i}`);
    expect((await accepted({ tags: tags.slice(0, 50) })).tags).toEqual(tags.slice(0, 50));
    await rejected({ tags }, ["tags"]);
    expect((await accepted({ tags: ["t".repeat(64)] })).tags).toEqual(["t".repeat(64)]);
    await rejected({ tags: ["ok", "t".repeat(65)] }, ["tags[1]"]);
    await rejected({ tags: ["ok", "   "] }, ["tags[1]"]);
  });
  it("tags sent as a comma string (the Trata mistake) are refused", async () => {
    await rejected({ tags: "a,b" }, ["tags"]);
  });
  it("tags are trimmed and deduplicated in order", async () => {
    expect((await accepted({ tags: [" b ", "a", "b", "a ", "c"] })).tags).toEqual(["b", "a", "c"]);
  });
  it("agent_ids: 100 accepted, 101 refused; each 1..128; deduplicated", async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `agent_${i}`);
    expect((await accepted({ agent_ids: ids.slice(0, 100) })).agent_ids).toEqual(ids.slice(0, 100));
    await rejected({ agent_ids: ids }, ["agent_ids"]);
    expect((await accepted({ agent_ids: ["x", "a".repeat(128), "x"] })).agent_ids).toEqual([
      "x",
      "a".repeat(128),
    ]);
    await rejected({ agent_ids: ["a".repeat(129)] }, ["agent_ids[0]"]);
    await rejected({ agent_ids: [""] }, ["agent_ids[0]"]);
  });
});

describe("props", () => {
  const nested = (levels: number): Record<string, unknown> => {
    let value: Record<string, unknown> = { leaf: 1 };
    for (let i = 1; i < levels; i++) value = { [`l${i}`]: value };
    return value;
  };
  it("the Trata example props: 'stainless steel' is refused", async () => {
    await rejected({ props: "stainless steel" }, ["props"]);
  });
  it("refuses an array and a number; defaults to {}", async () => {
    await rejected({ props: ["stainless steel"] }, ["props"]);
    await rejected({ props: 5 }, ["props"]);
    expect((await accepted({})).props).toEqual({});
    expect((await accepted({ props: { material: "stainless steel" } })).props).toEqual({
      material: "stainless steel",
    });
  });
  it("accepts depth 5, refuses depth 6", async () => {
    expect((await accepted({ props: nested(5) })).props).toEqual(nested(5));
    await rejected({ props: nested(6) }, ["props"]);
  });
  it("accepts exactly 16384 bytes serialised, refuses 16385", async () => {
    // {"k":""} is 8 bytes.
    const at = { k: "x".repeat(16384 - 8) };
    expect(new TextEncoder().encode(JSON.stringify(at)).length).toBe(16384);
    expect((await accepted({ props: at })).props).toEqual(at);
    await rejected({ props: { k: "x".repeat(16385 - 8) } }, ["props"]);
  });
  it("counts bytes, not characters", async () => {
    const at = { k: "é".repeat((16384 - 8) / 2) };
    expect((await accepted({ props: at })).props).toEqual(at);
    await rejected({ props: { k: "é".repeat((16384 - 8) / 2 + 1) } }, ["props"]);
  });
});

describe("unknown fields and the body", () => {
  it("names an unknown field such as a Trata client's defaultPrice", async () => {
    const body = await rejected({ defaultPrice: 1299 }, ["defaultPrice"]);
    expect(body.failures?.[0]?.message).toBe("Unknown field 'defaultPrice'.");
  });
  it("ignores read-only fields", async () => {
    const product = await accepted({ id: "prod_fake", version: 7, created_at: "2000-01-01T00:00:00.000Z" });
    expect(product.id).not.toBe("prod_fake");
    expect(product.version).toBe(1);
    expect(product.created_at).not.toBe("2000-01-01T00:00:00.000Z");
  });
  it("reports several failures at once, one entry per field", async () => {
    const body = await rejectedRaw(
      {
        name: "",
        status: "gone",
        sku: "S".repeat(65),
        tags: "a,b",
        props: "steel",
        defaultPrice: 1,
        prices: [{ currency: "XXX", amount: -1 }],
      },
      ["name", "status", "sku", "tags", "props", "defaultPrice", "prices[0].currency", "prices[0].amount"],
    );
    expect(body.failures).toHaveLength(8);
  });
  it("refuses a body that is not an object on field 'body'", async () => {
    for (const value of [[], JSON.stringify("x"), null, 42]) await rejectedRaw(value, ["body"]);
  });
  it("answers malformed JSON with 400 invalid_json", async () => {
    await expectError(await post(bad.key, '{"name": "x",'), 400, "invalid_json");
    await expectError(await post(bad.key, new Uint8Array([0x7b, 0xff, 0x7d])), 400, "invalid_json");
    await expectNothingWritten();
  });
  it("answers another or no content type with 415", async () => {
    const body = JSON.stringify({ name: "x" });
    await expectError(
      await post(bad.key, body, { "Content-Type": "text/plain" }),
      415,
      "unsupported_media_type",
    );
    const noType = await exports.default.fetch(
      new Request(`${BASE}/v1/products`, {
        method: "POST",
        headers: { Authorization: `Bearer ${bad.key}` },
        body: new TextEncoder().encode(body),
      }),
    );
    expect(noType.headers.get("Content-Type")).toMatch(/json/);
    await expectError(noType, 415, "unsupported_media_type");
    await expectNothingWritten();
    const withCharset = await post(ok.key, body, { "Content-Type": "application/json; charset=utf-8" });
    expect(withCharset.status).toBe(201);
  });
  it("accepts a body of exactly 1 MiB, refuses 1 MiB + 1 byte with 413", async () => {
    const json = '{"name":"padded"}';
    const exact = json + " ".repeat(1_048_576 - json.length);
    expect(new TextEncoder().encode(exact).length).toBe(1_048_576);
    const response = await post(ok.key, exact);
    expect(response.status, await response.clone().text()).toBe(201);
    expect(((await response.json()) as Product).name).toBe("padded");
    await expectError(await post(bad.key, `${exact} `), 413, "payload_too_large");
    await expectNothingWritten();
  });
});

describe("the same paths through PUT and PATCH", () => {
  let product: Product;
  beforeAll(async () => {
    product = (await createProduct(ok.key, { name: "Original", shippable: true })) as unknown as Product;
  });
  const unchanged = async () => {
    const response = await api(`/v1/products/${product.id}`, { key: ok.key });
    const current = (await response.json()) as Product;
    expect(current.version).toBe(1);
    expect(current.name).toBe("Original");
  };
  const put = (body: unknown) => api(`/v1/products/${product.id}`, { method: "PUT", key: ok.key, body });
  const patch = (body: unknown, type = "application/merge-patch+json") =>
    api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: ok.key,
      body,
      headers: { "Content-Type": type },
    });

  it("PUT reports the same field paths and changes nothing", async () => {
    await expectFailures(await put({ description: "no name" }), ["name"]);
    await expectFailures(
      await put({
        name: "x",
        prices: [
          { currency: "EUR", amount: 1 },
          { currency: "eur", amount: 2 },
        ],
      }),
      ["prices[1].currency"],
    );
    await expectFailures(await put({ name: "x", props: "stainless steel", defaultPrice: 1 }), [
      "props",
      "defaultPrice",
    ]);
    await expectFailures(await put([]), ["body"]);
    await unchanged();
  });
  it("PATCH reports the same field paths on the merged result and changes nothing", async () => {
    await expectFailures(await patch({ name: "a".repeat(513) }), ["name"]);
    await expectFailures(await patch({ tags: "a,b" }, "application/json"), ["tags"]);
    await expectFailures(await patch({ props: "stainless steel" }), ["props"]);
    await expectFailures(await patch({ defaultPrice: 1 }), ["defaultPrice"]);
    await expectFailures(await patch({ prices: [{ currency: "XXX", amount: 1 }] }), ["prices[0].currency"]);
    // shippable was set explicitly to true: a service cannot be shippable.
    await expectFailures(await patch({ type: "service" }), ["shippable"]);
    await expectFailures(await patch({ name: null }), ["name"]);
    await expectError(await patch({ name: "x" }, "text/plain"), 415, "unsupported_media_type");
    await unchanged();
  });
  it("PATCH to a service makes a default shippable follow the type", async () => {
    const other = (await createProduct(ok.key, { name: "Follows" })) as unknown as Product;
    expect(other.shippable).toBe(true);
    const response = await api(`/v1/products/${other.id}`, {
      method: "PATCH",
      key: ok.key,
      body: { type: "service" },
    });
    expect(response.status).toBe(200);
    const patched = (await response.json()) as Product;
    expect(patched.shippable).toBe(false);
    expect(patched.version).toBe(2);
  });
});

describe("GET /v1/currencies", () => {
  it("lists codes with their ISO 4217 exponents", async () => {
    const response = await api("/v1/currencies", { key: ok.key });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Request-Id")).toMatch(/^req_[0-9A-Z]{26}$/);
    const body = (await response.json()) as { object: string; data: { code: string; exponent: number }[] };
    expect(body.object).toBe("list");
    const exponent = (code: string) => body.data.find((currency) => currency.code === code)?.exponent;
    expect(exponent("JPY")).toBe(0);
    expect(exponent("USD")).toBe(2);
    expect(exponent("EUR")).toBe(2);
    expect(exponent("BHD")).toBe(3);
    expect(exponent("XXX")).toBeUndefined();
    for (const currency of body.data) {
      expect(Object.keys(currency).sort()).toEqual(["code", "exponent"]);
      expect(currency.code).toMatch(/^[A-Z]{3}$/);
      expect(Number.isInteger(currency.exponent) && currency.exponent >= 0 && currency.exponent <= 4).toBe(
        true,
      );
    }
    expect(new Set(body.data.map((currency) => currency.code)).size).toBe(body.data.length);
  });
  it("has every code of the seed page's list and ISO's codes without a minor unit (exponent 0)", async () => {
    const response = await api("/v1/currencies", { key: ok.key });
    const body = (await response.json()) as { data: { code: string; exponent: number }[] };
    const exponents = new Map(body.data.map((currency) => [currency.code, currency.exponent]));
    expect(SEED_CURRENCIES.filter((code) => !exponents.has(code))).toEqual([]);
    for (const code of ["ANG", "CUC", "HRK", "SLL", "ZWL"]) expect(exponents.get(code)).toBe(2);
    for (const code of ["XSU", "XUA", "XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XTS"]) {
      expect(exponents.get(code)).toBe(0);
    }
    expect(body.data.map((currency) => currency.code)).toEqual(
      [...exponents.keys()].sort((a, b) => (a < b ? -1 : 1)),
    );
  });
  it("a price accepts each of them, in any case; XXX (no currency) and codes not listed are refused", async () => {
    for (const currency of ["ang", "CUC", "HRK", "SLL", "XSU", "XUA", "zwl", "XAU"]) {
      const product = await accepted({ prices: [{ currency, amount: 1 }] });
      expect(product.prices[0]?.currency).toBe(currency.toUpperCase());
    }
    for (const currency of ["XXX", "ZZZ", "EURO", "EU"]) {
      await rejected({ prices: [{ currency, amount: 1 }] }, ["prices[0].currency"]);
    }
  });
  it("needs a key", async () => {
    await expectError(await api("/v1/currencies"), 401, "unauthorized");
  });
});

describe("what JSON allows but no field may hold", () => {
  const raw = (text: string, method = "POST", path = "/v1/products", type = "application/json") =>
    api(path, { method, key: ok.key, body: text, headers: { "Content-Type": type } });
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

  it("refuses nesting past 32 levels at the path where it goes too deep, even in a merge patch", async () => {
    // 31 levels in props, 32 with the body: within the JSON limit, so props' own rule answers.
    const within = await expectFailures(await raw(`{"name":"Deep","props":${nested(31)}}`), ["props"]);
    expect(within.failures?.[0]?.message).not.toMatch(/Nested deeper/);
    // The 33rd level is the object at props.a.a…a (31 times).
    const past = await expectFailures(await raw(`{"name":"Deep","props":${nested(32)}}`), [
      `props${".a".repeat(31)}`,
    ]);
    expect(past.failures?.[0]?.message).toBe("Nested deeper than 32 levels.");
    const product = await createProduct(ok.key);
    const patch = await raw(
      nested(10_000),
      "PATCH",
      `/v1/products/${product.id}`,
      "application/merge-patch+json",
    );
    await expectError(patch, 400, "invalid_data");
  });

  it("refuses numbers beyond a double instead of storing them as null", async () => {
    await expectFailures(await raw('{"name":"Huge","description":1e400}'), ["description"]);
    await expectFailures(
      await raw('{"name":"Huge","prices":[{"currency":"EUR","amount":100,"compare_at_amount":-1e400}]}'),
      ["prices[0].compare_at_amount"],
    );
    // The largest double is a number like any other: too big for an amount, so that rule answers.
    const max = await expectFailures(
      await raw('{"name":"Huge","prices":[{"currency":"EUR","amount":1.7976931348623157e308}]}'),
      ["prices[0].amount"],
    );
    expect(max.failures?.[0]?.message).not.toMatch(/64-bit/);
  });

  it("refuses text with an unpaired surrogate, in values and keys, and keeps NUL and paired ones", async () => {
    await expectFailures(await raw('{"name":"lone \\ud800 high"}'), ["name"]);
    await expectFailures(await raw('{"name":"W","props":{"k\\udfff":1}}'), ["props.k\udfff"]);
    await expectFailures(await admin("/orgs", { method: "POST", body: '{"name":"\\udc00"}' }), ["name"]);
    const kept = await createProduct(ok.key, { name: "nul\u0000 and 😀 (\ud83d\ude00)" });
    expect(kept.name).toBe("nul\u0000 and 😀 (😀)");
  });

  it("matches an If-Match list of any length against the version", async () => {
    const product = await createProduct(ok.key);
    const tags = (versions: number[]) => versions.map((version) => `"${version}"`).join(", ");
    const others = Array.from({ length: 150 }, (_, index) => index + 100);
    const body = JSON.stringify({ description: "listed" });
    const send = (ifMatch: string) =>
      api(`/v1/products/${product.id}`, {
        method: "PATCH",
        key: ok.key,
        body,
        headers: { "Content-Type": "application/merge-patch+json", "If-Match": ifMatch },
      });
    await expectError(await send(tags(others)), 412, "precondition_failure");
    expect((await send(tags([...others, product.version]))).status).toBe(200);
    const remove = await api(`/v1/products/${product.id}`, {
      method: "DELETE",
      key: ok.key,
      headers: { "If-Match": tags([...others, product.version + 1]) },
    });
    expect(remove.status).toBe(200);
  });
});

describe("failures are capped at 100", () => {
  const unknown = (count: number) => Array.from({ length: count }, (_, index) => `u${index}=1`).join("&");

  it.each([
    [100, "You provided invalid data. Check 'failures' for details."],
    [101, "You provided invalid data. Check 'failures' for details (the first 100 of 101)."],
    [5000, "You provided invalid data. Check 'failures' for details (the first 100 of 5000)."],
  ])("%i unknown query parameters", async (count, message) => {
    const response = await api(`/v1/products?${unknown(count)}`, { key: ok.key });
    const text = await response.clone().text();
    expect(text.length).toBeLessThan(10_000);
    const body = await expectError(response, 400, "invalid_data");
    expect(body.message).toBe(message);
    expect(body.failures?.map((failure) => failure.field)).toEqual(
      Array.from({ length: Math.min(count, 100) }, (_, index) => `u${index}`),
    );
  });

  it("a body with more than 100 failing fields", async () => {
    const fields = Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`x${index}`, 1]));
    const unknownFields = await api("/v1/products", {
      method: "POST",
      key: ok.key,
      body: { name: "Widget", ...fields },
    });
    const body = await expectError(unknownFields, 400, "invalid_data");
    expect(body.message).toBe(
      "You provided invalid data. Check 'failures' for details (the first 100 of 150).",
    );
    expect(body.failures).toHaveLength(100);

    // 100 features that are not strings and 20 bad tags: 120 failing fields of the schema's own.
    const invalid = await api("/v1/products", {
      method: "POST",
      key: ok.key,
      body: { name: "Widget", features: Array(100).fill(5), tags: Array(20).fill("") },
    });
    const invalidBody = await expectError(invalid, 400, "invalid_data");
    expect(invalidBody.message).toMatch(/\(the first 100 of 1\d\d\)\.$/);
    expect(invalidBody.failures).toHaveLength(100);
    expect(invalidBody.failures?.[0]?.field).toBe("features[0]");
  });
});
