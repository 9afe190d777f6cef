import { describe, expect, it } from "vitest";
import { api, expectFailures, sharedTenant } from "../helpers";

/**
 * The catalogue fields beyond the core (the contract's field table): SEO, locale, merchandising flags,
 * availability and novelty windows with their computed flags, attributes, custom fields, allowed
 * countries and destination. Each rule at its edge and just past it, through HTTP.
 */

type Product = Record<string, unknown> & { id: string; version: number };

const ok = sharedTenant();
const bad = sharedTenant();

async function accepted(body: Record<string, unknown>): Promise<Product> {
  const response = await api("/v1/products", { method: "POST", key: ok.key, body: { name: "W", ...body } });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as Product;
}

/** invalid_data naming exactly `fields`, and nothing stored in the `bad` tenant. */
async function rejected(body: Record<string, unknown>, fields: string[]) {
  const response = await api("/v1/products", { method: "POST", key: bad.key, body: { name: "W", ...body } });
  const result = await expectFailures(response, fields);
  const list = await api("/v1/products?limit=1", { key: bad.key });
  expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
  return result;
}

const DAY = 24 * 60 * 60 * 1000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const instant = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe("seo and default_locale", () => {
  it("seo: title ≤ 256 and description ≤ 1024; null is the default; unknown keys refused", async () => {
    const full = { title: "t".repeat(256), description: "d".repeat(1024) };
    expect((await accepted({ seo: full })).seo).toEqual(full);
    expect((await accepted({ seo: null })).seo).toEqual({ title: null, description: null });
    expect((await accepted({ seo: { description: "" } })).seo).toEqual({ title: null, description: "" });
    await rejected({ seo: { title: "t".repeat(257) } }, ["seo.title"]);
    await rejected({ seo: { description: "d".repeat(1025) } }, ["seo.description"]);
    await rejected({ seo: { keywords: "x" } }, ["seo.keywords"]);
    await rejected({ seo: "title" }, ["seo"]);
  });

  it("default_locale: a BCP 47 tag stored canonical; anything else refused", async () => {
    for (const [sent, stored] of [
      ["pt-br", "pt-BR"],
      ["EN", "en"],
      ["zh-hant-tw", "zh-Hant-TW"],
      ["es-419", "es-419"],
    ]) {
      expect((await accepted({ default_locale: sent })).default_locale).toBe(stored);
    }
    for (const tag of ["", "english!", "e", "en_US", "x".repeat(36), 5, null]) {
      await rejected({ default_locale: tag }, ["default_locale"]);
    }
  });
});

describe("merchandising flags", () => {
  const FLAGS = {
    visible: true,
    buyable: true,
    on_sale: false,
    discountable: true,
    reviews_allowed: false,
    exclude_from_feeds: false,
  };

  it("default as the contract says and take either boolean", async () => {
    expect(await accepted({})).toMatchObject(FLAGS);
    const flipped = Object.fromEntries(Object.entries(FLAGS).map(([name, value]) => [name, !value]));
    expect(await accepted(flipped)).toMatchObject(flipped);
  });

  it("refuse anything but a boolean, naming each flag", async () => {
    const strings = Object.fromEntries(Object.keys(FLAGS).map((name) => [name, "true"]));
    await rejected(strings, Object.keys(FLAGS));
    await rejected({ visible: 1, on_sale: null }, ["visible", "on_sale"]);
  });
});

describe("availability and novelty windows", () => {
  it("take dates and date-times; from equal to to is a window of that day", async () => {
    const product = await accepted({ available_from: day(0), available_to: day(0) });
    expect(product).toMatchObject({ available_from: day(0), available_to: day(0), is_available: true });
    const timed = await accepted({ new_from: "2026-11-01T10:00:00Z", new_to: "2026-11-01T10:00:00Z" });
    expect(timed).toMatchObject({ new_from: "2026-11-01T10:00:00Z", is_new: false });
  });

  it("refuse to before from (by a day, and by a millisecond), and dates that do not exist", async () => {
    await rejected({ available_from: day(1), available_to: day(0) }, ["available_to"]);
    await rejected({ new_from: "2026-11-01T10:00:00.001Z", new_to: "2026-11-01T10:00:00.000Z" }, ["new_to"]);
    // A date covers its whole day: 23:59:59.999 of it is still inside, the next day is not.
    expect(
      await accepted({ available_from: "2026-11-01T23:59:59.999Z", available_to: "2026-11-01" }),
    ).toMatchObject({ available_to: "2026-11-01" });
    await rejected({ available_from: "2026-11-02T00:00:00Z", available_to: "2026-11-01" }, ["available_to"]);
    await rejected({ available_from: "2026-02-30" }, ["available_from"]);
    await rejected({ new_to: "tomorrow" }, ["new_to"]);
  });

  it("is_available: inside the window now, open ends open", async () => {
    const cases: [Record<string, unknown>, boolean][] = [
      [{}, true],
      [{ available_from: day(-1) }, true],
      [{ available_from: day(1) }, false],
      [{ available_to: day(0) }, true],
      [{ available_to: day(-1) }, false],
      [{ available_from: instant(-60_000), available_to: instant(60_000) }, true],
      [{ available_to: instant(-60_000) }, false],
    ];
    for (const [window, expected] of cases) {
      expect((await accepted(window)).is_available, JSON.stringify(window)).toBe(expected);
    }
  });

  it("is_new: only with a window set, and only inside it", async () => {
    const cases: [Record<string, unknown>, boolean][] = [
      [{}, false],
      [{ new_from: day(-7) }, true],
      [{ new_from: day(1) }, false],
      [{ new_to: day(0) }, true],
      [{ new_from: day(-30), new_to: day(-1) }, false],
    ];
    for (const [window, expected] of cases) {
      expect((await accepted(window)).is_new, JSON.stringify(window)).toBe(expected);
    }
  });

  it("computed fields are read-only: sent back, they are ignored", async () => {
    const product = await accepted({ available_to: day(-1), is_available: true, is_new: true });
    expect(product).toMatchObject({ is_available: false, is_new: false });
  });
});

describe("attributes", () => {
  it("take 200, refuse 201; name 1–128, value 1–1024, locale a BCP 47 tag", async () => {
    const many = Array.from({ length: 200 }, (_, index) => ({ name: `a${index}`, value: "v" }));
    expect((await accepted({ attributes: many })).attributes).toHaveLength(200);
    await rejected({ attributes: [...many, { name: "x", value: "v" }] }, ["attributes"]);
    const edge = { name: "n".repeat(128), value: "v".repeat(1024), locale: "de-at" };
    expect((await accepted({ attributes: [edge] })).attributes).toEqual([{ ...edge, locale: "de-AT" }]);
    await rejected(
      {
        attributes: [
          { name: "n".repeat(129), value: "v" },
          { name: "n", value: "v".repeat(1025) },
          { name: "", value: "v" },
          { name: "n", value: "v", locale: "??" },
          { name: "n", value: 5 },
          { name: "n", value: "v", unit: "kg" },
        ],
      },
      [
        "attributes[0].name",
        "attributes[1].value",
        "attributes[2].name",
        "attributes[3].locale",
        "attributes[4].value",
        "attributes[5].unit",
      ],
    );
  });
});

describe("custom_fields", () => {
  it("take 50 of every type, refuse 51", async () => {
    const fields = Array.from({ length: 50 }, (_, index) => ({ name: `f${index}`, type: "textarea" }));
    expect((await accepted({ custom_fields: fields })).custom_fields).toHaveLength(50);
    await rejected({ custom_fields: [...fields, { name: "x", type: "textfield" }] }, ["custom_fields"]);
  });

  it("checkboxes and size need values (1–100), the others refuse them", async () => {
    const values = Array.from({ length: 100 }, (_, index) => `v${index}`);
    const product = await accepted({
      custom_fields: [
        { name: "Extras", type: "checkboxes", values },
        { name: "Size", type: "size", values: ["S"] },
      ],
    });
    expect((product.custom_fields as { values: string[] }[])[0]?.values).toHaveLength(100);
    // The schema's failures come first; the rules between fields are checked once the shape is right.
    await rejected(
      {
        custom_fields: [
          { name: "Size", type: "size", values: [] },
          { name: "Many", type: "checkboxes", values: [...values, "v100"] },
          { name: "Odd", type: "colour" },
        ],
      },
      ["custom_fields[0].values", "custom_fields[1].values", "custom_fields[2].type"],
    );
    await rejected(
      {
        custom_fields: [
          { name: "Extras", type: "checkboxes" },
          { name: "Note", type: "textfield", values: ["a"] },
        ],
      },
      ["custom_fields[0].values", "custom_fields[1].values"],
    );
  });

  it("date_picker needs range_from ≤ range_to; other types have no range", async () => {
    const same = { name: "Day", type: "date_picker", range_from: "2026-12-24", range_to: "2026-12-24" };
    expect((await accepted({ custom_fields: [same] })).custom_fields).toEqual([same]);
    await rejected(
      {
        custom_fields: [
          { name: "Day", type: "date_picker", range_from: "2026-12-25", range_to: "2026-12-24" },
          { name: "Day", type: "date_picker", range_from: "2026-12-24" },
          { name: "Day", type: "date_picker", range_to: "2026-12-24" },
          { name: "Note", type: "textarea", range_from: "2026-12-24" },
        ],
      },
      [
        "custom_fields[0].range_to",
        "custom_fields[1].range_to",
        "custom_fields[2].range_from",
        "custom_fields[3].range_from",
      ],
    );
    await rejected({ custom_fields: [{ name: "Day", type: "date_picker", range_from: "soon" }] }, [
      "custom_fields[0].range_from",
    ]);
  });
});

describe("allowed_countries", () => {
  it("ISO 3166-1 alpha-2 codes, case-insensitive in, upper-case and deduplicated out", async () => {
    expect((await accepted({ allowed_countries: ["de", "AT", "De", "gb"] })).allowed_countries).toEqual([
      "DE",
      "AT",
      "GB",
    ]);
    expect((await accepted({})).allowed_countries).toEqual([]);
  });

  it("refuses codes that are not assigned (reserved, withdrawn, user-assigned) and other shapes", async () => {
    await rejected({ allowed_countries: ["UK", "XK", "EU", "YU", "D", "DEU", 49] }, [
      "allowed_countries[0]",
      "allowed_countries[1]",
      "allowed_countries[2]",
      "allowed_countries[3]",
      "allowed_countries[4]",
      "allowed_countries[5]",
      "allowed_countries[6]",
    ]);
  });
});

describe("destination", () => {
  const UUID = "0b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c";

  it("takes an http(s) url and UUIDs of a chatbot, page and knowledge base; null by default", async () => {
    const destination = { url: "http://shop.example/p/1", chatbot: UUID, page: UUID, knowledge_base: UUID };
    expect((await accepted({ destination })).destination).toEqual(destination);
    expect((await accepted({ destination: {} })).destination).toEqual({});
    expect((await accepted({})).destination).toBeNull();
  });

  it("refuses other schemes, relative urls, urls over 2048 characters, non-UUIDs and unknown keys", async () => {
    await rejected({ destination: { url: "ftp://shop.example/p/1" } }, ["destination.url"]);
    await rejected({ destination: { url: "/p/1" } }, ["destination.url"]);
    await rejected({ destination: { url: `https://shop.example/${"p".repeat(2028)}` } }, ["destination.url"]);
    await rejected({ destination: { chatbot: "bot-1", page: 5, phone: "+49" } }, [
      "destination.chatbot",
      "destination.page",
      "destination.phone",
    ]);
    expect(
      (await accepted({ destination: { url: `https://shop.example/${"p".repeat(2027)}` } })).destination,
    ).toMatchObject({ url: expect.stringMatching(/^https:/) });
  });
});

describe("PATCH of the new fields", () => {
  it("merges seo and destination as objects and resets a field with null", async () => {
    const product = await accepted({ seo: { title: "T", description: "D" }, on_sale: true });
    const patch = (body: unknown) =>
      api(`/v1/products/${product.id}`, { method: "PATCH", key: ok.key, body });
    const patched = (await (await patch({ seo: { title: "T2" }, on_sale: null })).json()) as Product;
    expect(patched).toMatchObject({ seo: { title: "T2", description: "D" }, on_sale: false, version: 2 });
    await expectFailures(await patch({ available_from: "2030-01-01", available_to: "2029-01-01" }), [
      "available_to",
    ]);
  });
});

describe("a full service product (the Tamio example in this API's fields)", () => {
  it("round-trips through create, GET and a PUT of what was read", async () => {
    const body = {
      name: "Website audit",
      description: "A two-week review of a website's speed, accessibility and search ranking.",
      type: "service",
      shippable: false,
      schedule_appointment: true,
      tax_category: "txcd_20030000",
      prices: [{ currency: "EUR", amount: 49000, cost_amount: 30000, markup_percent: 63.3333 }],
      inventory: { tracking: "none" },
      seo: { title: "Website audit", description: "Speed, accessibility and search." },
      localizations: { de: { name: "Website-Audit" } },
      custom_fields: [
        { name: "Website URL", type: "textfield" },
        { name: "Preferred day", type: "date_picker", range_from: "2026-12-01", range_to: "2027-03-31" },
      ],
      attributes: [{ name: "Duration", value: "2 weeks" }],
      allowed_countries: ["DE", "AT", "CH"],
      new_from: "2026-11-01",
      destination: { url: "https://example.com/audit" },
    };
    const created = await accepted(body);
    expect(created).toMatchObject({
      ...body,
      prices: [
        {
          currency: "EUR",
          amount: 49000,
          compare_at_amount: null,
          cost_amount: 30000,
          markup_percent: 63.3333,
        },
      ],
      inventory: { tracking: "none", quantity: 0 },
      localizations: { de: { name: "Website-Audit", slug: "website-audit", description: null } },
      slug: "website-audit",
      in_stock: true,
      version: 1,
    });
    const read = await api(`/v1/products/${created.id}`, { key: ok.key });
    const product = (await read.json()) as Product;
    expect(product).toEqual(created);
    const put = await api(`/v1/products/${created.id}`, { method: "PUT", key: ok.key, body: product });
    expect(put.status).toBe(200);
    // The same product; its version moves because default_currency, sent back, is now stored as set.
    const { version: _, updated_at: __, ...rest } = product;
    expect(await put.json()).toMatchObject(rest);
  });
});
