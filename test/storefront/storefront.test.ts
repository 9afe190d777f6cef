import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import {
  admin,
  api,
  createKey,
  createProduct,
  expectError,
  expectFailures,
  publishableKey,
  tenant,
} from "../helpers";

type StorefrontProduct = {
  id: string;
  locale: string;
  name: string;
  description: string | null;
  slug: string;
  slugs: Record<string, string>;
  seo: { title: string | null; description: string | null };
  prices: Record<string, unknown>[];
  options: { name: string; values: string[]; display: string }[];
  variants: { id: string; options: Record<string, string>; in_stock: boolean }[];
  images: Record<string, unknown>[];
  attributes: { name: string; value: string; locale?: string }[];
  in_stock: boolean;
  [field: string]: unknown;
};
type Page = { object: string; data: StorefrontProduct[]; has_more: boolean; next_cursor: string | null };

const DAY = 24 * 60 * 60 * 1000;
const date = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

const storefront = (path: string, key: string, headers: Record<string, string> = {}) =>
  api(`/v1/storefront${path}`, { key, headers });

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

const PUBLIC_FIELDS = [
  "id",
  "object",
  "locale",
  "name",
  "description",
  "slug",
  "slugs",
  "seo",
  "type",
  "shippable",
  "schedule_appointment",
  "sku",
  "gtin",
  "tax_category",
  "tax_behavior",
  "prices",
  "default_currency",
  "features",
  "tags",
  "buyable",
  "on_sale",
  "discountable",
  "reviews_allowed",
  "available_from",
  "available_to",
  "is_new",
  "attributes",
  "custom_fields",
  "allowed_countries",
  "related_product_ids",
  "options",
  "variants",
  "variant_pricing",
  "in_stock",
  "min_order_quantity",
  "max_order_quantity",
  "images",
  "updated_at",
].sort();

describe("the public projection", () => {
  let secret: string;
  let pk: string;
  let product: { id: string };

  beforeAll(async () => {
    const shop = await tenant();
    secret = shop.key;
    pk = await publishableKey(shop.orgId);
    product = await createProduct(secret, {
      name: "Espresso machine",
      description: "15 bar pump.",
      sku: "ESP-1",
      prices: [
        { currency: "EUR", amount: 24900, compare_at_amount: 29900, cost_amount: 12000 },
        { currency: "USD", cost_amount: 10050, markup_percent: 20 },
      ],
      props: { supplier_secret: "PROPS-SECRET-VALUE" },
      agent_ids: ["agent-secret-id"],
      tags: ["coffee"],
      exclude_from_feeds: true,
      destination: { url: "https://scan.example/private-destination" },
      inventory: { tracking: "variant", quantity: 987654, low_stock_threshold: 3, min_order_quantity: 2 },
      options: [
        {
          name: "Colour",
          values: ["Red", "Black"],
          localizations: { de: { name: "Farbe", values: ["Rot", "Schwarz"] } },
        },
      ],
      variants: [
        { options: { Colour: "Red" }, sku: "ESP-1-R", inventory: { quantity: 123457 } },
        { options: { Colour: "Black" }, sku: "ESP-1-B", inventory: { quantity: 0 }, visible: false },
      ],
      localizations: { de: { name: "Espressomaschine" } },
    });
    const upload = await api(`/v1/products/${product.id}/images`, {
      method: "POST",
      key: secret,
      body: bytesOf(IMAGES.png),
      headers: { "Content-Type": "image/png" },
    });
    expect(upload.status).toBe(200);
  });

  it("has exactly the public fields, and nothing private anywhere in the body", async () => {
    const response = await storefront(`/products/${product.id}`, pk);
    const text = await response.clone().text();
    const body = await json<StorefrontProduct>(response);
    expect(Object.keys(body).sort()).toEqual(PUBLIC_FIELDS);
    for (const secretValue of [
      "PROPS-SECRET-VALUE",
      "agent-secret-id",
      "987654",
      "123457",
      "12000",
      "10050",
      "private-destination",
      "org_",
      "key_",
      "source_url",
      "cost_amount",
      "markup_percent",
      '"quantity":',
      "ESP-1-B",
    ]) {
      expect(text).not.toContain(secretValue);
    }
    expect(body.prices).toEqual([
      { currency: "EUR", amount: 24900, compare_at_amount: 29900 },
      { currency: "USD", amount: 12060, compare_at_amount: null },
    ]);
    expect(body.variants).toEqual([
      {
        id: expect.stringMatching(/^var_/),
        options: { Colour: "Red" },
        sku: "ESP-1-R",
        gtin: null,
        prices: [],
        image_ids: [],
        in_stock: true,
      },
    ]);
    expect(body.options).toEqual([{ name: "Colour", values: ["Red", "Black"], display: "dropdown" }]);
    expect(body.in_stock).toBe(true);
    expect(body.min_order_quantity).toBe(2);
    expect(body.images).toHaveLength(1);
    expect(Object.keys(body.images[0] as object).sort()).toEqual(
      ["alt", "content_type", "height", "id", "object", "orientation", "position", "url", "width"].sort(),
    );
    expect(body.images[0]?.url).toBe(`https://api.test/images/${(body.images[0] as { id: string }).id}`);
  });

  it("shows option names and values, and the variants' options, in the resolved locale", async () => {
    const body = await json<StorefrontProduct>(await storefront(`/products/${product.id}?locale=de`, pk));
    expect(body.locale).toBe("de");
    expect(body.name).toBe("Espressomaschine");
    // Not translated: the default locale's text.
    expect(body.description).toBe("15 bar pump.");
    expect(body.options).toEqual([{ name: "Farbe", values: ["Rot", "Schwarz"], display: "dropdown" }]);
    expect(body.variants.map((variant) => variant.options)).toEqual([{ Farbe: "Rot" }]);
  });

  it("lists products in the same projection", async () => {
    const page = await json<Page>(await storefront("/products", pk));
    expect(page.object).toBe("list");
    expect(page.data.map((entry) => entry.id)).toEqual([product.id]);
    expect(Object.keys(page.data[0] as object).sort()).toEqual(PUBLIC_FIELDS);
  });
});

describe("what shoppers may see", () => {
  let secret: string;
  let pk: string;
  const shown: string[] = [];
  const hidden: { why: string; id: string; slug: string }[] = [];

  beforeAll(async () => {
    const shop = await tenant();
    secret = shop.key;
    pk = await publishableKey(shop.orgId);
    const cases: [string, Record<string, unknown>, boolean][] = [
      ["active", {}, true],
      ["until today (a date covers its whole day)", { available_to: date(0) }, true],
      ["from today", { available_from: date(0) }, true],
      ["from a second ago", { available_from: new Date(Date.now() - 1000).toISOString() }, true],
      ["unconfigured (a draft)", { status: "unconfigured" }, false],
      ["inactive", { status: "inactive" }, false],
      ["archived", { status: "archived" }, false],
      ["hidden", { visible: false }, false],
      ["until yesterday", { available_to: date(-1) }, false],
      ["from tomorrow", { available_from: date(1) }, false],
      ["from in an hour", { available_from: new Date(Date.now() + 3600_000).toISOString() }, false],
    ];
    for (const [why, fields, visible] of cases) {
      const created = await createProduct<{ id: string; slug: string }>(secret, {
        name: `Case ${why}`,
        ...fields,
      });
      if (visible) shown.unshift(created.id);
      else hidden.push({ why, id: created.id, slug: created.slug });
    }
  });

  it("answers 404 by id and by slug for drafts, inactive, archived, hidden and out-of-window products", async () => {
    for (const { why, id, slug } of hidden) {
      await expectError(await storefront(`/products/${id}`, pk), 404, "not_found").catch((error) => {
        throw new Error(`${why} by id: ${error}`);
      });
      await expectError(await storefront(`/products/${slug}`, pk), 404, "not_found").catch((error) => {
        throw new Error(`${why} by slug: ${error}`);
      });
    }
    // The same products are there for the secret key's own API.
    for (const { id } of hidden) expect((await api(`/v1/products/${id}`, { key: secret })).status).toBe(200);
  });

  it("lists only the products it may show, newest first", async () => {
    const page = await json<Page>(await storefront("/products", pk));
    expect(page.data.map((entry) => entry.id)).toEqual(shown);
    expect(page.has_more).toBe(false);
    expect(page.next_cursor).toBeNull();
  });

  it("pages past products it may not show without losing or repeating one", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=1&cursor=${cursor}` : "?limit=1";
      const page: Page = await json<Page>(await storefront(`/products${query}`, pk));
      seen.push(...page.data.map((entry) => entry.id));
      cursor = page.next_cursor;
      expect(page.has_more).toBe(cursor !== null);
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(shown);
  });

  it("answers a product made hidden with 404 at once", async () => {
    const product = await createProduct(secret, { name: "Soon hidden" });
    expect((await storefront(`/products/${product.id}`, pk)).status).toBe(200);
    const patched = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: secret,
      body: { visible: false },
    });
    expect(patched.status).toBe(200);
    await expectError(await storefront(`/products/${product.id}`, pk), 404, "not_found");
    await api(`/v1/products/${product.id}`, { method: "DELETE", key: secret });
  });

  it("never shows another org's product, by id or by slug", async () => {
    const other = await tenant();
    const otherPk = await publishableKey(other.orgId);
    const [id] = shown;
    const mine = await json<StorefrontProduct>(await storefront(`/products/${id}`, pk));
    await expectError(await storefront(`/products/${id}`, otherPk), 404, "not_found");
    await expectError(await storefront(`/products/${mine.slug}`, otherPk), 404, "not_found");
    expect((await json<Page>(await storefront("/products", otherPk))).data).toEqual([]);
  });
});

describe("a catalogue full of hidden products", () => {
  it("passes over at most 1,000 of them a page, then ends the page early with a cursor", async () => {
    const shop = await tenant();
    const pk = await publishableKey(shop.orgId);
    const visible = await createProduct(shop.key, { name: "The only visible one" });
    // 1,100 hidden products, newer than the visible one (ids sort after its), written straight into
    // D1: through the API this would take most of a minute. The triggers index them as usual.
    await env.DB.prepare(
      `INSERT INTO products (id, org_id, status, type, data, version, created_at, updated_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
       SELECT 'prod_Z' || printf('%025d', i), ?, 'active', 'physical',
              '{"name":"Hidden","visible":false,"tags":[],"features":[],"agent_ids":[],"prices":[]}',
              1, '2026-11-23T00:00:00.000Z', '2026-11-23T00:00:00.000Z'
       FROM n`,
    )
      .bind(shop.orgId)
      .run();
    const first = await json<Page>(await storefront("/products", pk));
    expect(first.data).toEqual([]);
    expect(first.has_more).toBe(true);
    const second = await json<Page>(await storefront(`/products?cursor=${first.next_cursor}`, pk));
    expect(second.data.map((entry) => entry.id)).toEqual([visible.id]);
    expect(second.has_more).toBe(false);
  });
});

describe("search, tags and query rules", () => {
  let pk: string;
  let kettle: { id: string };
  let teapot: { id: string };

  beforeAll(async () => {
    const shop = await tenant();
    pk = await publishableKey(shop.orgId);
    kettle = await createProduct(shop.key, { name: "Copper kettle", tags: ["kitchen"] });
    teapot = await createProduct(shop.key, {
      name: "Teapot",
      tags: ["kitchen"],
      localizations: { de: { name: "Teekanne" } },
    });
    await createProduct(shop.key, { name: "Copper hidden kettle", tags: ["kitchen"], visible: false });
  });

  it("searches names, localized names included, with prefixes", async () => {
    const copper = await json<Page>(await storefront("/products?q=copp", pk));
    expect(copper.data.map((entry) => entry.id)).toEqual([kettle.id]);
    const german = await json<Page>(await storefront("/products?q=teekan&locale=de", pk));
    expect(german.data.map((entry) => [entry.id, entry.name])).toEqual([[teapot.id, "Teekanne"]]);
  });

  it("filters by tag, and pages a search with its own cursor", async () => {
    const tagged = await json<Page>(await storefront("/products?tag=kitchen&limit=1", pk));
    expect(tagged.data.map((entry) => entry.id)).toEqual([teapot.id]);
    const rest = await json<Page>(
      await storefront(`/products?tag=kitchen&limit=1&cursor=${tagged.next_cursor}`, pk),
    );
    expect(rest.data.map((entry) => entry.id)).toEqual([kettle.id]);
    expect(rest.has_more).toBe(false);

    const search = await json<Page>(await storefront("/products?q=kitchen&limit=1", pk));
    expect(search.data.map((entry) => entry.id)).toEqual([teapot.id]);
    const searchRest = await json<Page>(
      await storefront(`/products?q=kitchen&limit=1&cursor=${search.next_cursor}`, pk),
    );
    expect(searchRest.data.map((entry) => entry.id)).toEqual([kettle.id]);
    // A search cursor is not a cursor of the plain listing.
    await expectFailures(await storefront(`/products?cursor=${search.next_cursor}`, pk), ["cursor"]);
  });

  it("checks limit at its edges, and refuses unknown parameters and bad locales", async () => {
    expect((await storefront("/products?limit=1", pk)).status).toBe(200);
    expect((await storefront("/products?limit=100", pk)).status).toBe(200);
    await expectFailures(await storefront("/products?limit=0", pk), ["limit"]);
    await expectFailures(await storefront("/products?limit=101", pk), ["limit"]);
    await expectFailures(await storefront("/products?status=inactive", pk), ["status"]);
    await expectFailures(await storefront("/products?locale=not_a_locale!", pk), ["locale"]);
    await expectFailures(await storefront(`/products/${kettle.id}?locale=x`, pk), ["locale"]);
    await expectFailures(await storefront("/products?q=%20!!%20", pk), ["q"]);
    await expectError(await storefront("/products/no-such-slug", pk), 404, "not_found");
    await expectError(await storefront(`/products/prod_${"0".repeat(26)}`, pk), 404, "not_found");
    expect((await storefront(`/products/${"a".repeat(256)}`, pk)).status).toBe(404);
    await expectFailures(await storefront(`/products/${"a".repeat(257)}`, pk), ["id_or_slug"]);
  });
});

describe("locale negotiation", () => {
  let pk: string;
  let product: { id: string };

  beforeAll(async () => {
    const shop = await tenant();
    pk = await publishableKey(shop.orgId);
    product = await createProduct(shop.key, {
      name: "Kettle",
      slug: "kettle",
      description: "Boils water.",
      seo: { title: "Kettle | Shop", description: "A kettle." },
      attributes: [
        { name: "Material", value: "Steel" },
        { name: "Material", value: "Stahl", locale: "de" },
      ],
      localizations: {
        de: { name: "Wasserkocher", slug: "wasserkocher", seo: { title: "Wasserkocher | Shop" } },
        "pt-BR": { name: "Chaleira", description: "Ferve água." },
      },
    });
  });

  const pick = async (query: string, headers: Record<string, string> = {}) => {
    const response = await storefront(`/products/${product.id}${query}`, pk, headers);
    const body = await json<StorefrontProduct>(response);
    expect(response.headers.get("Content-Language")).toBe(body.locale);
    expect(response.headers.get("Vary")).toMatch(/Accept-Language/);
    return body;
  };

  it.each([
    ["no preference: the default locale", "", {}, "en", "Kettle"],
    ["?locale=", "?locale=de", {}, "de", "Wasserkocher"],
    ["?locale= in another case", "?locale=PT-br", {}, "pt-BR", "Chaleira"],
    [
      "?locale= wins over Accept-Language",
      "?locale=de",
      { "Accept-Language": "pt-BR" },
      "de",
      "Wasserkocher",
    ],
    ["?locale= not translated: the default", "?locale=fr", { "Accept-Language": "de" }, "en", "Kettle"],
    ["Accept-Language", "", { "Accept-Language": "de" }, "de", "Wasserkocher"],
    [
      "q-values, not order",
      "",
      { "Accept-Language": "fr;q=0.5, pt-BR;q=0.4, de;q=0.9" },
      "de",
      "Wasserkocher",
    ],
    ["equal q: the order sent", "", { "Accept-Language": "pt-BR, de" }, "pt-BR", "Chaleira"],
    ["a region falls back to its language", "", { "Accept-Language": "de-AT" }, "de", "Wasserkocher"],
    ["a language finds its region", "", { "Accept-Language": "pt" }, "pt-BR", "Chaleira"],
    ["q=0 refuses", "", { "Accept-Language": "de;q=0, pt-BR;q=0.1" }, "pt-BR", "Chaleira"],
    ["nothing matches: the default", "", { "Accept-Language": "ja, zh;q=0.8" }, "en", "Kettle"],
    ["* is the default", "", { "Accept-Language": "ja, *;q=0.5, de;q=0.1" }, "en", "Kettle"],
    [
      "unreadable ranges are skipped",
      "",
      { "Accept-Language": ";;, 12345678901, de;q=2, pt-BR" },
      "pt-BR",
      "Chaleira",
    ],
  ])("%s", async (_name, query, headers, locale, name) => {
    const body = await pick(query, headers);
    expect(body.locale).toBe(locale);
    expect(body.name).toBe(name);
  });

  it("resolves description, slug, seo and attributes, falling back to the default's text per field", async () => {
    const german = await pick("?locale=de");
    expect(german).toMatchObject({
      description: "Boils water.",
      slug: "wasserkocher",
      seo: { title: "Wasserkocher | Shop", description: "A kettle." },
      attributes: [
        { name: "Material", value: "Steel" },
        { name: "Material", value: "Stahl", locale: "de" },
      ],
      slugs: { en: "kettle", de: "wasserkocher", "pt-BR": "chaleira" },
    });
    const brazilian = await pick("?locale=pt-BR");
    expect(brazilian).toMatchObject({ description: "Ferve água.", slug: "chaleira" });
    expect(brazilian.attributes).toEqual([{ name: "Material", value: "Steel" }]);
  });

  it("matches a slug of any of the product's locales, shown in the one the request resolves to", async () => {
    expect((await pick("")).slug).toBe("kettle");
    const bySlug = async (slug: string, query: string, headers: Record<string, string> = {}) =>
      storefront(`/products/${slug}${query}`, pk, headers);
    expect((await json<StorefrontProduct>(await bySlug("kettle", ""))).id).toBe(product.id);
    expect((await json<StorefrontProduct>(await bySlug("wasserkocher", "?locale=de"))).name).toBe(
      "Wasserkocher",
    );
    const viaHeader = await bySlug("wasserkocher", "", { "Accept-Language": "de-CH, en;q=0.5" });
    expect((await json<StorefrontProduct>(viaHeader)).locale).toBe("de");
    // A locale with no translation shows the default, so the default's slug is the one that matches.
    expect((await json<StorefrontProduct>(await bySlug("kettle", "?locale=fr"))).locale).toBe("en");
    // A slug of another locale finds the product too (these were 404 while a slug had to be the
    // resolved locale's): without a preference it is shown in the slug's locale, with one in the
    // locale resolved, whose slug a shop can redirect to.
    expect((await json<StorefrontProduct>(await bySlug("wasserkocher", ""))).locale).toBe("de");
    const asked = await json<StorefrontProduct>(await bySlug("kettle", "?locale=de"));
    expect([asked.locale, asked.slug]).toEqual(["de", "wasserkocher"]);
    const negotiated = await json<StorefrontProduct>(
      await bySlug("chaleira", "", { "Accept-Language": "de" }),
    );
    expect([negotiated.locale, negotiated.slug]).toEqual(["de", "wasserkocher"]);
    await expectError(await bySlug("kettles", ""), 404, "not_found");
  });

  it("lists each product in its own resolved locale and names them all in Content-Language", async () => {
    const shop = await tenant();
    const key = await publishableKey(shop.orgId);
    await createProduct(shop.key, { name: "Plain" });
    await createProduct(shop.key, { name: "Cup", localizations: { de: { name: "Tasse" } } });
    const response = await storefront("/products", key, { "Accept-Language": "de" });
    const page = await json<Page>(response);
    expect(page.data.map((entry) => [entry.name, entry.locale])).toEqual([
      ["Tasse", "de"],
      ["Plain", "en"],
    ]);
    expect(response.headers.get("Content-Language")).toBe("de, en");
    const empty = await storefront("/products?q=nothingmatches", key);
    expect((await json<Page>(empty)).data).toEqual([]);
    expect(empty.headers.get("Content-Language")).toBeNull();
  });
});

describe("HTTP caching", () => {
  let secret: string;
  let pk: string;
  let product: { id: string };

  beforeAll(async () => {
    const shop = await tenant();
    secret = shop.key;
    pk = await publishableKey(shop.orgId);
    product = await createProduct(secret, { name: "Mug", localizations: { de: { name: "Becher" } } });
  });

  it("sends a strong ETag, Cache-Control and Vary, and answers If-None-Match with 304", async () => {
    const first = await storefront(`/products/${product.id}`, pk);
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag") as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    // The first 128 bits of the body's SHA-256, unpadded base64url (computed here the plain way).
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(await first.clone().text()),
    );
    const base64 = btoa(String.fromCharCode(...new Uint8Array(digest).subarray(0, 16)));
    expect(etag).toBe(`"${base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}"`);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=60, stale-while-revalidate=600");
    expect(first.headers.get("Vary")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["Accept-Language", "Authorization", "Org-Id", "Origin"]),
    );

    const again = await storefront(`/products/${product.id}`, pk, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=60, stale-while-revalidate=600");
    expect(again.headers.get("Content-Language")).toBe("en");
    // Weak comparison, as RFC 9110 says for If-None-Match, and a list.
    expect(
      (await storefront(`/products/${product.id}`, pk, { "If-None-Match": `"x", W/${etag}` })).status,
    ).toBe(304);
    expect((await storefront(`/products/${product.id}`, pk, { "If-None-Match": '"x"' })).status).toBe(200);
  });

  it("changes the ETag with the locale and with an update", async () => {
    const english = (await storefront(`/products/${product.id}`, pk)).headers.get("ETag") as string;
    const german = await storefront(`/products/${product.id}?locale=de`, pk, { "If-None-Match": english });
    expect(german.status).toBe(200);
    expect(german.headers.get("ETag")).not.toBe(english);

    const patched = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: secret,
      body: { name: "Big mug" },
    });
    expect(patched.status).toBe(200);
    const updated = await storefront(`/products/${product.id}`, pk, { "If-None-Match": english });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as StorefrontProduct).name).toBe("Big mug");
  });

  it("answers a list with an ETag and 304 too, until the list changes", async () => {
    const first = await storefront("/products", pk);
    const etag = first.headers.get("ETag") as string;
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=60, stale-while-revalidate=600");
    expect((await storefront("/products", pk, { "If-None-Match": etag })).status).toBe(304);
    await createProduct(secret, { name: "Saucer" });
    expect((await storefront("/products", pk, { "If-None-Match": etag })).status).toBe(200);
  });
});

describe("which keys may read the storefront", () => {
  let shop: { orgId: string; key: string };
  let pk: string;
  let product: { id: string };

  beforeAll(async () => {
    shop = await tenant();
    pk = await publishableKey(shop.orgId);
    product = await createProduct(shop.key, { name: "Spoon" });
  });

  it("refuses a publishable key on the products API and the admin API with 403", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", "/v1/products"],
      ["GET", `/v1/products/${product.id}`],
      ["POST", "/v1/products", { name: "Nope" }],
      ["PATCH", `/v1/products/${product.id}`, { name: "Nope" }],
      ["DELETE", `/v1/products/${product.id}`],
      ["POST", `/v1/products/${product.id}/inventory_adjustments`, { delta: 1 }],
    ];
    for (const [method, path, body] of attempts) {
      const error = await expectError(await api(path, { method, key: pk, body }), 403, "forbidden");
      expect(error.message).toBe("A publishable key works on the storefront routes only.");
    }
    await expectError(await api("/v1/admin/orgs", { key: pk }), 403, "forbidden");
    // Reference data is open to any key (the contract), a shop page formatting prices included.
    expect((await api("/v1/currencies", { key: pk })).status).toBe(200);
    await expectError(await api("/v1/admin/orgs", { key: `pk_${"a".repeat(48)}` }), 401, "unauthorized");
    expect((await api(`/v1/products/${product.id}`, { key: shop.key })).status).toBe(200);
  });

  it("lets a key that reads products read the storefront from a server, not one without it", async () => {
    expect((await storefront(`/products/${product.id}`, shop.key)).status).toBe(200);
    const reader = await createKey([shop.orgId], ["product.read"]);
    expect((await storefront(`/products/${product.id}`, reader.key)).status).toBe(200);
    const webhooks = await createKey([shop.orgId], ["webhook.manage"]);
    await expectError(await storefront(`/products/${product.id}`, webhooks.key), 403, "forbidden");
    await expectError(await storefront("/products", "sk_nope"), 401, "unauthorized");
    await expectError(await api("/v1/storefront/products"), 401, "unauthorized");
  });

  it("revoking a publishable key stops it", async () => {
    const response = await admin("/api_keys", {
      method: "POST",
      body: { name: "short-lived", org_ids: [shop.orgId], type: "publishable", scopes: ["storefront.read"] },
    });
    const key = (await response.json()) as { id: string; key: string };
    expect((await storefront("/products", key.key)).status).toBe(200);
    expect((await admin(`/api_keys/${key.id}`, { method: "DELETE" })).status).toBe(200);
    await expectError(await storefront("/products", key.key), 401, "unauthorized");
  });
});
