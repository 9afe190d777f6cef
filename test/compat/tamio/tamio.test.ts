// The Tamio dialect (/compat/tamio): Tamio's documented create-service requests, sent as printed,
// answer Tamio's documented shape over the same products as /v1; read by UUID; the /v1 guarantees.
import { beforeEach, describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../../fixtures/images";
import { api, createKey, createOrg, expectError, expectFailures, type Tenant, tenant } from "../../helpers";
import {
  BASE,
  CURL_EXAMPLE,
  expectTamioShape,
  FULL_EXAMPLE,
  LANGUAGES,
  pricingModelId,
  RUBY_EXAMPLE,
  type TamioProduct,
  tamio,
  VARIATIONS,
  v1Id,
} from "./tamio.fixtures";

let t: Tenant;
let client: ReturnType<typeof tamio>;
beforeEach(async () => {
  t = await tenant();
  client = tamio(t);
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TAMIO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/;

describe("Tamio's examples, as printed", () => {
  it("the curl example answers 200 {product, status} with exactly the documented keys", async () => {
    const response = await client.post(CURL_EXAMPLE);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { product: TamioProduct };
    const product = expectTamioShape(body);
    expect(product.id).toMatch(UUID);
    expect(product.created).toMatch(TAMIO_TIME);
    const created = product.created_unix as number;
    expect(new Date(created * 1000).toISOString().replace("T", " ").replace(".000Z", " +0000")).toBe(
      product.created,
    );
    const stored = await client.v1(product.id);
    expect(product).toEqual({
      id: product.id,
      object: "product",
      name: "my awesome product",
      classification: "digital services",
      created: product.created,
      created_unix: created,
      price: 10,
      currency: "eur",
      gallery: [],
      in_stock: true,
      type: "digital service",
      updated: product.created,
      updated_unix: created,
      on_sale: false,
      discount_allowed: true,
      reviews_allowed: false,
      hide_if_no_stock: null,
      shown: true,
      description: null,
      seo_description: null,
      seo_title: null,
      stock: null,
      tax_calculation: "exclusive",
      has_variations: false,
      unlimited_stock: true,
      pricing_model: [
        {
          id: await pricingModelId(stored.id, "EUR"),
          object: "pricing_model",
          currency: "eur",
          price: 10,
          recommended_seller_price: 0,
          acquisition_price: 0,
        },
      ],
      related_products: null,
      custom_attributes: null,
      min_units: null,
      max_units: null,
      stock_limit_warning: null,
      allow_negative_stock: false,
      additional_information: {
        sample: false,
        release_date_unix: null,
        release_date: null,
        expiry_date_unix: null,
        expiry_date: null,
        new_from_unix: null,
        new_from: null,
        new_to_unix: null,
        new_to: null,
        exclude_from_feed: false,
      },
      languages: {
        en: {
          title: "my awesome product",
          seo_title: null,
          description: null,
          seo_description: null,
          slug: "my-awesome-product",
        },
      },
      is_moss_product: true,
    });
    expect(stored).toMatchObject({
      id: v1Id(product.id),
      name: "my awesome product",
      type: "service",
      shippable: false,
      tax_category: "digital services",
      prices: [{ currency: "EUR", amount: 10, compare_at_amount: null, cost_amount: null }],
      default_currency: "EUR",
      default_locale: "en",
      inventory: { tracking: "none", quantity: 0 },
    });
  });

  it("the Ruby and JavaScript examples (price 1000) answer alike", async () => {
    const product = await client.created(RUBY_EXAMPLE);
    expect(product).toMatchObject({ price: 1000, currency: "eur", unlimited_stock: true, stock: null });
    expect(product.pricing_model).toMatchObject([{ currency: "eur", price: 1000 }]);
  });

  it("every documented body parameter, with the page's examples, maps to the /v1 product and back", async () => {
    const product = await client.created(FULL_EXAMPLE);
    expect(Object.keys(product.languages)).toEqual(["en", "de", "sv"]);
    expect(product).toMatchObject({
      name: "blue t-shirt",
      description: LANGUAGES.en.description,
      seo_title: "blue t-shirt",
      seo_description: LANGUAGES.en.seo_description,
      price: 1200,
      currency: "eur",
      type: "digital service",
      on_sale: true,
      discount_allowed: false,
      reviews_allowed: true,
      shown: true,
      stock: 100,
      unlimited_stock: false,
      in_stock: true,
      has_variations: true,
      min_units: 2,
      max_units: 10,
      stock_limit_warning: 5,
      allow_negative_stock: false,
      related_products: null,
      custom_attributes: [{ language: "en", name: "attribute name", value: "attribute value" }],
      additional_information: {
        sample: false,
        release_date_unix: 1666309325,
        release_date: "2022-10-20 23:42:05 +0000",
        expiry_date_unix: 1893456000,
        expiry_date: "2030-01-01 00:00:00 +0000",
        new_from_unix: 1666309325,
        new_from: "2022-10-20 23:42:05 +0000",
        new_to_unix: 1672531199,
        new_to: "2022-12-31 23:59:59 +0000",
        exclude_from_feed: true,
      },
      languages: {
        en: { ...LANGUAGES.en },
        de: { ...LANGUAGES.de },
        sv: { ...LANGUAGES.sv, seo_title: null, seo_description: null, slug: "bla-t-shirt" },
      },
    });
    expect(product.pricing_model).toMatchObject([{ recommended_seller_price: 0, acquisition_price: 0 }]);
    const stored = await client.v1(product.id);
    expect(stored).toMatchObject({
      type: "service",
      default_locale: "en",
      slug: "blue-t-shirt",
      localizations: {
        de: { name: "blaues T-Shirt", slug: "blaues-t-shirt", seo: { title: "blaues T-Shirt" } },
        sv: { name: "blå t-shirt", description: "exklusiv blå t-shirt" },
      },
      prices: [{ currency: "EUR", amount: 1200, compare_at_amount: null, cost_amount: 0 }],
      buyable: true,
      discountable: false,
      visible: true,
      exclude_from_feeds: true,
      available_from: "2022-10-20T23:42:05Z",
      available_to: "2030-01-01T00:00:00Z",
      new_from: "2022-10-20T23:42:05Z",
      new_to: "2022-12-31T23:59:59Z",
      allowed_countries: ["DE", "SE"],
      attributes: [{ name: "attribute name", value: "attribute value", locale: "en" }],
      custom_fields: [
        { name: "field name", type: "checkboxes", values: ["value1", "value2"], locale: "en" },
        {
          name: "name",
          type: "date_picker",
          range_from: "2024-03-06T22:00:00Z",
          range_to: "2024-03-29T22:00:00Z",
          locale: "en",
        },
      ],
      options: [
        {
          name: "size",
          values: ["large"],
          display: "dropdown",
          localizations: { de: { name: "größe", values: ["klein"] } },
        },
      ],
      variants: [
        {
          options: { size: "large" },
          prices: [{ currency: "EUR", amount: 100 }],
          inventory: { quantity: 100, allow_backorder: false, tracked: true },
          visible: true,
          image_ids: [],
          in_stock: true,
        },
      ],
      variant_pricing: "delta",
      inventory: {
        tracking: "variant",
        quantity: 100,
        low_stock_threshold: 5,
        allow_backorder: false,
        min_order_quantity: 2,
        max_order_quantity: 10,
      },
    });
  });

  it("the variations example as printed names `sizen`, no label of its option: refused naming it", async () => {
    const printed = {
      ...VARIATIONS,
      variants: [{ ...VARIATIONS.variants[0], options: [{ size: "large", sizen: "klein" }] }],
    };
    await expectFailures(await client.post({ ...CURL_EXAMPLE, variations: printed }), [
      "variations.variants[0].options[0].sizen",
    ]);
  });
});

describe("one product, whichever API wrote it", () => {
  it("created in Tamio, read and changed in /v1, read in Tamio with the change", async () => {
    const product = await client.created(FULL_EXAMPLE);
    const stored = await client.v1(product.id);
    expect(stored.version).toBe(1);
    const other = await client.created({ ...CURL_EXAMPLE, languages: { en: { title: "Related" } } });
    const patch = await api(`/v1/products/${stored.id}`, {
      method: "PATCH",
      key: t.key,
      headers: { "Content-Type": "application/merge-patch+json" },
      body: {
        name: "Renamed",
        prices: [
          { currency: "EUR", amount: 1500, compare_at_amount: 2000, cost_amount: 700 },
          { currency: "USD", amount: 1700 },
        ],
        default_currency: "USD",
        available_to: "2031-06-30",
        related_product_ids: [v1Id(other.id)],
        localizations: { sv: null },
        inventory: { tracking: "product", quantity: 7, allow_backorder: true, min_order_quantity: 1 },
        tax_category: "standard",
        tax_behavior: "inclusive",
      },
    });
    expect(patch.status, await patch.clone().text()).toBe(200);
    const read = await client.read(product.id);
    expect(read).toMatchObject({
      id: product.id,
      name: "Renamed",
      price: 1700,
      currency: "usd",
      classification: "standard",
      type: "service",
      is_moss_product: false,
      tax_calculation: "inclusive",
      stock: 7,
      unlimited_stock: false,
      allow_negative_stock: true,
      min_units: null,
      related_products: [other.id],
      additional_information: {
        expiry_date: "2031-06-30 23:59:59 +0000",
        expiry_date_unix: Date.UTC(2031, 5, 30, 23, 59, 59) / 1000,
      },
    });
    expect(Object.keys(read.languages)).toEqual(["en", "de"]);
    expect(read.languages.en?.title).toBe("Renamed");
    expect(read.pricing_model).toEqual([
      {
        id: await pricingModelId(stored.id, "EUR"),
        object: "pricing_model",
        currency: "eur",
        price: 1500,
        recommended_seller_price: 2000,
        acquisition_price: 700,
      },
      {
        id: await pricingModelId(stored.id, "USD"),
        object: "pricing_model",
        currency: "usd",
        price: 1700,
        recommended_seller_price: 0,
        acquisition_price: 0,
      },
    ]);
    // The id of a pricing model is stable: the same product and currency, the same id.
    expect(read.pricing_model[0]?.id).toBe(product.pricing_model[0]?.id);
    expect(read.updated_unix as number).toBeGreaterThanOrEqual(read.created_unix as number);
  });

  it("gallery: the product's images, added in /v1, answered as UUIDs", async () => {
    const product = await client.created();
    const upload = await api(`/v1/products/${v1Id(product.id)}/images`, {
      method: "POST",
      key: t.key,
      body: bytesOf(IMAGES.png),
      headers: { "Content-Type": "image/png" },
    });
    expect(upload.status, await upload.clone().text()).toBe(200);
    const images = ((await client.v1(product.id)).images as { id: string }[]).map((image) => image.id);
    expect(images).toHaveLength(1);
    expect((await client.read(product.id)).gallery).toEqual(images.map(uuidOf));
  });

  it("a product written in /v1 reads in Tamio: a physical one, untitled texts, no prices", async () => {
    const response = await api("/v1/products", {
      method: "POST",
      key: t.key,
      body: { name: "Kettle", attributes: [{ name: "colour", value: "red" }] },
    });
    const created = (await response.json()) as { id: string };
    const read = await client.read(uuidOf(created.id));
    expect(read).toMatchObject({
      id: uuidOf(created.id),
      type: "physical",
      price: null,
      currency: null,
      pricing_model: [],
      classification: null,
      is_moss_product: false,
      unlimited_stock: true,
      custom_attributes: [{ language: "en", name: "colour", value: "red" }],
    });
  });
});

/** Our `prod_<ULID>` or `img_<ULID>` as Tamio's UUID, computed here independently of src/lib/ids.ts. */
function uuidOf(id: string) {
  const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let value = 0n;
  for (const char of id.slice(id.indexOf("_") + 1)) value = value * 32n + BigInt(CROCKFORD.indexOf(char));
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe("the /v1 guarantees, in Tamio's dialect", () => {
  it("needs a key (401) with the scope (403)", async () => {
    await expectError(
      await api(`${BASE}/create/service`, { method: "POST", body: CURL_EXAMPLE }),
      401,
      "unauthorized",
    );
    const reader = await createKey([t.orgId], ["product.read"]);
    await expectError(
      await api(`${BASE}/create/service`, { method: "POST", key: reader.key, body: CURL_EXAMPLE }),
      403,
      "forbidden",
    );
    const product = await client.created();
    await expectError(await api(`${BASE}/${product.id}`), 401, "unauthorized");
    const hooks = await createKey([t.orgId], ["webhook.manage"]);
    await expectError(await api(`${BASE}/${product.id}`, { key: hooks.key }), 403, "forbidden");
    expect((await api(`${BASE}/${product.id}`, { key: reader.key })).status).toBe(200);
  });

  it("another org's id, an unknown, a malformed or a prod_ id is 404 not_found", async () => {
    const mine = await client.created();
    const other = await tenant();
    await expectError(await tamio(other).get(mine.id), 404, "not_found");
    await expectError(await client.get("00000000-0000-0000-0000-000000000000"), 404, "not_found");
    await expectError(await client.get("not-a-uuid"), 404, "not_found");
    await expectError(await client.get(`${mine.id}0`), 404, "not_found");
    await expectError(await client.get(v1Id(mine.id)), 404, "not_found");
    expect((await client.read(mine.id.toUpperCase())).id).toBe(mine.id);
  });

  it("a create emits product.created with the /v1 product", async () => {
    const orgId = await createOrg();
    const { id, key } = await createKey([orgId], ["product.edit", "webhook.manage"]);
    t = { orgId, key, keyId: id };
    const product = await tamio(t).created();
    const events = (await (await api("/v1/events?type=product.created&limit=10", { key })).json()) as {
      data: { type: string; data: { object: { id: string; name: string; type: string } } }[];
    };
    expect(events.data.map((event) => [event.type, event.data.object])).toEqual([
      [
        "product.created",
        expect.objectContaining({ id: v1Id(product.id), name: "my awesome product", type: "service" }),
      ],
    ]);
  });

  it("an Idempotency-Key makes a retried create one product", async () => {
    const headers = { "Idempotency-Key": `tamio-${crypto.randomUUID()}` };
    const first = await client.post(CURL_EXAMPLE, headers);
    const again = await client.post(CURL_EXAMPLE, headers);
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    const list = (await (await api("/v1/products", { key: t.key })).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(1);
  });
});

describe("/compat/tamio/openapi.json", () => {
  it("has exactly Tamio's operations at Tamio's paths, served under /compat/tamio, every $ref resolving", async () => {
    const response = await api("/compat/tamio/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, { operationId: string; tags: string[]; description: string }>>;
      components: Record<string, Record<string, unknown>>;
    };
    expect(doc.servers).toEqual([{ url: "/compat/tamio" }]);
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [method, path, operation.operationId]),
    );
    expect(operations.sort()).toEqual([
      ["get", "/v2/products/{id}", "tamioGetProduct"],
      ["post", "/v2/products/create/service", "tamioCreateService"],
    ]);
    for (const methods of Object.values(doc.paths))
      for (const operation of Object.values(methods)) {
        expect(operation.tags).toEqual(["Tamio dialect"]);
        expect(operation.description.length).toBeGreaterThan(20);
      }
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/([^"]+)"/g))
      expect(doc.components[kind as string]?.[name as string], `${kind}/${name}`).toBeDefined();
    const main = (await (await api("/openapi.json")).json()) as { tags: { name: string }[]; paths: object };
    expect(main.tags.map((tag) => tag.name)).toContain("Tamio dialect");
    expect(Object.keys(main.paths)).toEqual(
      expect.arrayContaining(["/compat/tamio/v2/products/create/service", "/compat/tamio/v2/products/{id}"]),
    );
  });
});
