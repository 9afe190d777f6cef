// The Tamio dialect's fields at their edges and just past them, each failure named as Tamio names
// the field; and what Tamio's dialect cannot express, refused naming it.
import { beforeEach, describe, expect, it } from "vitest";
import { expectFailures, type Tenant, tenant } from "../../helpers";
import { CURL_EXAMPLE, tamio, VARIATIONS, v1Id } from "./tamio.fixtures";

let t: Tenant;
let client: ReturnType<typeof tamio>;
beforeEach(async () => {
  t = await tenant();
  client = tamio(t);
});

/** The curl example with these fields over it. */
const body = (fields: Record<string, unknown>) => ({ ...CURL_EXAMPLE, ...fields });
const refused = async (fields: Record<string, unknown>, names: string[]) =>
  expectFailures(await client.post(body(fields)), names);
const MAX_UNIX = 253402300799;

describe("languages", () => {
  it("a title of 1–512 characters after trimming; a title in every language sent", async () => {
    const long = "t".repeat(512);
    expect((await client.created(body({ languages: { en: { title: ` ${long} ` } } }))).name).toBe(long);
    await refused({ languages: { en: { title: `${long}t` } } }, ["languages.en.title"]);
    await refused({ languages: { en: { title: "   " } } }, ["languages.en.title"]);
    await refused({ languages: { en: { title: "x" }, de: { description: "ohne Titel" } } }, [
      "languages.de.title",
    ]);
    await refused({ languages: { en: { title: "x" }, de: { title: "y".repeat(513) } } }, [
      "languages.de.title",
    ]);
    await refused({ languages: {} }, ["languages"]);
    const { languages: _, ...untitled } = CURL_EXAMPLE;
    await expectFailures(await client.post(untitled), ["languages"]);
  });

  it("en is the default language when sent, else the first; keys are BCP 47 tags, one per language", async () => {
    const german = await client.created(
      body({ languages: { de: { title: "Dienst" }, sv: { title: "Tjänst" } } }),
    );
    expect(german.name).toBe("Dienst");
    expect(Object.keys(german.languages)).toEqual(["de", "sv"]);
    expect((await client.v1(german.id)).default_locale).toBe("de");
    const english = await client.created(
      body({ languages: { de: { title: "Dienst" }, en: { title: "Service" } } }),
    );
    expect(english.name).toBe("Service");
    expect(Object.keys(english.languages)).toEqual(["en", "de"]);
    await refused({ languages: { en: { title: "a" }, EN: { title: "b" } } }, ["languages.EN"]);
    await refused({ languages: { en: { title: "a" }, "not a tag": { title: "b" } } }, [
      "languages.not a tag",
    ]);
  });

  it("seo texts and description at their lengths; slugs by the /v1 rule, unique per language", async () => {
    const fits = {
      title: "Fits",
      seo_title: "s".repeat(256),
      seo_description: "d".repeat(1024),
      description: "x".repeat(5000),
    };
    expect((await client.created(body({ languages: { en: fits } }))).seo_title).toHaveLength(256);
    await refused({ languages: { en: { ...fits, seo_title: "s".repeat(257) } } }, ["languages.en.seo_title"]);
    await refused({ languages: { en: { ...fits, seo_description: "d".repeat(1025) } } }, [
      "languages.en.seo_description",
    ]);
    await refused({ languages: { en: { ...fits, description: "x".repeat(5001) } } }, [
      "languages.en.description",
    ]);
    await refused({ languages: { en: { title: "x", slug: "Not A Slug" } } }, ["languages.en.slug"]);
    await client.created(body({ languages: { en: { title: "One", slug: "taken" } } }));
    const twin = await client.post(body({ languages: { en: { title: "Two", slug: "taken" } } }));
    expect(twin.status).toBe(409);
    expect(((await twin.json()) as { key: string }).key).toBe("duplicate_slug");
  });
});

describe("pricing_model", () => {
  it("currencies of GET /v1/currencies in any case, answered lower-case; one price per currency", async () => {
    const product = await client.created(
      body({
        pricing_model: [
          { currency: "EUR", price: 0 },
          { currency: "Usd", price: 999_999_999_999 },
        ],
      }),
    );
    expect(product.pricing_model.map((model) => [model.currency, model.price])).toEqual([
      ["eur", 0],
      ["usd", 999_999_999_999],
    ]);
    expect(product).toMatchObject({ price: 0, currency: "eur" });
    await refused({ pricing_model: [{ currency: "eu", price: 1 }] }, ["pricing_model[0].currency"]);
    await refused({ pricing_model: [{ currency: "xxx", price: 1 }] }, ["pricing_model[0].currency"]);
    await refused(
      {
        pricing_model: [
          { currency: "eur", price: 1 },
          { currency: "EUR", price: 2 },
        ],
      },
      ["pricing_model[1].currency"],
    );
    await refused({ pricing_model: [{ currency: "eur", price: -1 }] }, ["pricing_model[0].price"]);
    await refused({ pricing_model: [{ currency: "eur", price: 1_000_000_000_000 }] }, [
      "pricing_model[0].price",
    ]);
    await refused({ pricing_model: [{ currency: "eur", price: 1.5 }] }, ["pricing_model[0].price"]);
    await refused({ pricing_model: [{ currency: "eur" }] }, ["pricing_model[0].price"]);
  });

  it("recommended_seller_price is the compare-at price, acquisition_price the cost; none is 0", async () => {
    const product = await client.created(
      body({
        pricing_model: [
          { currency: "eur", price: 900, recommended_seller_price: 1200, acquisition_price: 300 },
        ],
      }),
    );
    expect(product.pricing_model).toMatchObject([{ recommended_seller_price: 1200, acquisition_price: 300 }]);
    expect((await client.v1(product.id)).prices).toEqual([
      { currency: "EUR", amount: 900, compare_at_amount: 1200, cost_amount: 300, markup_percent: null },
    ]);
    await refused({ pricing_model: [{ currency: "eur", price: 9, recommended_seller_price: -1 }] }, [
      "pricing_model[0].recommended_seller_price",
    ]);
    await refused({ pricing_model: [{ currency: "eur", price: 9, acquisition_price: 1_000_000_000_000 }] }, [
      "pricing_model[0].acquisition_price",
    ]);
    await refused({ pricing_model: [{ currency: "eur", price: 9, markup: 5 }] }, ["pricing_model[0].markup"]);
    const none = await client.created(body({ pricing_model: [] }));
    expect(none).toMatchObject({ price: null, currency: null, pricing_model: [] });
  });
});

describe("stock and units", () => {
  it("stock 0 … 1 000 000 000 counts without unlimited_stock; below 0 only with allow_negative_stock", async () => {
    const counted = await client.created(body({ unlimited_stock: false, stock: 1_000_000_000 }));
    expect(counted).toMatchObject({ stock: 1_000_000_000, unlimited_stock: false, in_stock: true });
    expect((await client.v1(counted.id)).inventory).toMatchObject({
      tracking: "product",
      quantity: 1_000_000_000,
    });
    const empty = await client.created(body({ unlimited_stock: false, stock: 0 }));
    expect(empty).toMatchObject({ stock: 0, in_stock: false });
    const byDefault = await client.created(body({ unlimited_stock: undefined }));
    expect(byDefault).toMatchObject({ unlimited_stock: false, stock: 0 });
    await refused({ unlimited_stock: false, stock: 1_000_000_001 }, ["stock"]);
    await refused({ unlimited_stock: false, stock: -1 }, ["stock"]);
    await refused({ stock: 1.5 }, ["stock"]);
    const negative = await client.created(
      body({ unlimited_stock: false, stock: -5, allow_negative_stock: true }),
    );
    expect(negative).toMatchObject({ stock: -5, allow_negative_stock: true, in_stock: true });
  });

  it("with unlimited_stock, stock is kept but not counted, and stock_limit_warning is refused", async () => {
    const unlimited = await client.created(body({ stock: 3 }));
    expect(unlimited).toMatchObject({ stock: null, unlimited_stock: true, in_stock: true });
    expect((await client.v1(unlimited.id)).inventory).toMatchObject({ tracking: "none", quantity: 3 });
    await refused({ stock_limit_warning: 1 }, ["stock_limit_warning"]);
    const warned = await client.created(body({ unlimited_stock: false, stock: 9, stock_limit_warning: 0 }));
    expect(warned.stock_limit_warning).toBe(0);
    await refused({ unlimited_stock: false, stock_limit_warning: -1 }, ["stock_limit_warning"]);
    await refused({ unlimited_stock: false, stock_limit_warning: 1_000_000_001 }, ["stock_limit_warning"]);
    await refused({ unlimited_stock: "yes" }, ["unlimited_stock"]);
  });

  it("min_units ≥ 1 (1 answers null), max_units ≥ 1 and ≥ min_units", async () => {
    expect(await client.created(body({ min_units: 1, max_units: 1 }))).toMatchObject({
      min_units: null,
      max_units: 1,
    });
    expect(await client.created(body({ min_units: 1_000_000_000 }))).toMatchObject({
      min_units: 1_000_000_000,
    });
    expect(await client.created(body({ min_units: null, max_units: null }))).toMatchObject({
      min_units: null,
      max_units: null,
    });
    await refused({ min_units: 0 }, ["min_units"]);
    await refused({ min_units: 1_000_000_001 }, ["min_units"]);
    await refused({ max_units: 0 }, ["max_units"]);
    await refused({ min_units: 5, max_units: 4 }, ["max_units"]);
  });
});

describe("flags and dates", () => {
  it("buyable, on_sale, discount_allowed, reviews_allowed, shown, exclude_from_feed are booleans", async () => {
    const product = await client.created(
      body({
        buyable: false,
        on_sale: true,
        discount_allowed: false,
        reviews_allowed: true,
        shown: false,
        exclude_from_feed: true,
      }),
    );
    expect(product).toMatchObject({
      on_sale: true,
      discount_allowed: false,
      reviews_allowed: true,
      shown: false,
    });
    expect(product.additional_information.exclude_from_feed).toBe(true);
    expect(await client.v1(product.id)).toMatchObject({
      buyable: false,
      on_sale: true,
      discountable: false,
      reviews_allowed: true,
      visible: false,
      exclude_from_feeds: true,
    });
    await refused({ buyable: "true", shown: 1 }, ["buyable", "shown"]);
  });

  it("Unix seconds 0 … 9999-12-31T23:59:59Z, or 'YYYY-MM-DD HH:MM:SS ±HHMM' that exists; from ≤ to", async () => {
    const edges = await client.created(
      body({ release_date: 0, expiry_date: MAX_UNIX, new_from: "2024-02-29 23:30:00 +0200", new_to: null }),
    );
    expect(edges.additional_information).toMatchObject({
      release_date_unix: 0,
      release_date: "1970-01-01 00:00:00 +0000",
      expiry_date_unix: MAX_UNIX,
      expiry_date: "9999-12-31 23:59:59 +0000",
      new_from_unix: Date.UTC(2024, 1, 29, 21, 30) / 1000,
      new_from: "2024-02-29 21:30:00 +0000",
      new_to: null,
    });
    expect(await client.v1(edges.id)).toMatchObject({
      available_from: "1970-01-01T00:00:00Z",
      available_to: "9999-12-31T23:59:59Z",
      new_from: "2024-02-29T21:30:00Z",
    });
    await refused({ release_date: -1 }, ["release_date"]);
    await refused({ expiry_date: MAX_UNIX + 1 }, ["expiry_date"]);
    await refused({ new_from: 1.5 }, ["new_from"]);
    await refused({ new_from: "2023-02-29 00:00:00 +0000" }, ["new_from"]);
    await refused({ new_to: "2022-10-20T23:42:05Z" }, ["new_to"]);
    await refused({ new_to: "2022-10-20 24:00:00 +0000" }, ["new_to"]);
    await refused({ new_to: "2022-10-20" }, ["new_to"]);
    await refused({ release_date: 1700000000, expiry_date: 1699999999 }, ["expiry_date"]);
    await refused({ new_from: "2024-01-02 00:00:00 +0000", new_to: "2024-01-02 01:59:59 +0200" }, ["new_to"]);
  });
});

describe("references: gallery, related_products, whitelist", () => {
  it("gallery names images of this product: none exist on create, so only []", async () => {
    expect((await client.created(body({ gallery: [] }))).gallery).toEqual([]);
    await refused({ gallery: ["d50ddc33-6cc2-4ccb-86d8-72819cccb8c3", "img_1"] }, [
      "gallery[0]",
      "gallery[1]",
    ]);
  });

  it("related_products are UUIDs of this org's products, answered as UUIDs; null when none", async () => {
    const first = await client.created();
    const second = await client.created(body({ related_products: [first.id, first.id.toUpperCase()] }));
    expect(second.related_products).toEqual([first.id]);
    expect((await client.v1(second.id)).related_product_ids).toEqual([v1Id(first.id)]);
    const theirs = await tamio(await tenant()).created();
    await refused({ related_products: [first.id, theirs.id] }, ["related_products[1]"]);
    await refused({ related_products: ["not-a-uuid"] }, ["related_products[0]"]);
    await refused({ related_products: [1] }, ["related_products[0]"]);
  });

  it("whitelist: ISO 3166-1 alpha-2 codes, any case, stored upper-case and deduplicated", async () => {
    const product = await client.created(body({ whitelist: ["de", "DE", "fr"] }));
    expect((await client.v1(product.id)).allowed_countries).toEqual(["DE", "FR"]);
    await refused({ whitelist: ["de", "xx"] }, ["whitelist[1]"]);
    await refused({ whitelist: "de" }, ["whitelist"]);
  });
});

describe("custom_attributes and custom_fields", () => {
  it("custom_attributes: name ≤ 128, value ≤ 1024, language a BCP 47 tag", async () => {
    const attributes = [
      { language: "de", name: "n".repeat(128), value: "v".repeat(1024) },
      { name: "plain", value: "x" },
    ];
    const product = await client.created(body({ custom_attributes: attributes }));
    expect(product.custom_attributes).toEqual([attributes[0], { language: "en", name: "plain", value: "x" }]);
    await refused({ custom_attributes: [{ name: "n".repeat(129), value: "x" }] }, [
      "custom_attributes[0].name",
    ]);
    await refused({ custom_attributes: [{ name: "n", value: "v".repeat(1025) }] }, [
      "custom_attributes[0].value",
    ]);
    await refused({ custom_attributes: [{ language: "x", name: "n", value: "v" }] }, [
      "custom_attributes[0].language",
    ]);
    await refused({ custom_attributes: [{ name: "n", value: "v", locale: "en" }] }, [
      "custom_attributes[0].locale",
    ]);
  });

  it("custom_fields: the five types (`date picker` too), values for choices, a range for dates", async () => {
    const fields = [
      { name: "Size", type: "size", values: ["S", "M"] },
      { name: "Notes", type: "textarea", language: "en" },
      { name: "Line", type: "textfield" },
      { name: "When", type: "date picker", range_from: 1709762400, range_to: "2024-03-29 22:00:00 +0000" },
    ];
    const product = await client.created(body({ custom_fields: fields }));
    expect((await client.v1(product.id)).custom_fields).toEqual([
      { name: "Size", type: "size", values: ["S", "M"] },
      { name: "Notes", type: "textarea", locale: "en" },
      { name: "Line", type: "textfield" },
      {
        name: "When",
        type: "date_picker",
        range_from: "2024-03-06T22:00:00Z",
        range_to: "2024-03-29T22:00:00Z",
      },
    ]);
    await refused({ custom_fields: [{ name: "c", type: "checkboxes" }] }, ["custom_fields[0].values"]);
    await refused({ custom_fields: [{ name: "t", type: "textfield", values: ["a"] }] }, [
      "custom_fields[0].values",
    ]);
    await refused({ custom_fields: [{ name: "d", type: "date_picker", range_from: 1709762400 }] }, [
      "custom_fields[0].range_to",
    ]);
    await refused(
      { custom_fields: [{ name: "d", type: "date_picker", range_from: 1711749600, range_to: 1709762400 }] },
      ["custom_fields[0].range_to"],
    );
    await refused({ custom_fields: [{ name: "x", type: "dropdown" }] }, ["custom_fields[0].type"]);
    await refused({ custom_fields: [{ name: "x", type: "textarea", language: "?" }] }, [
      "custom_fields[0].language",
    ]);
  });
});

describe("variations", () => {
  const options = VARIATIONS.options;
  const variant = (fields: Record<string, unknown> = {}) => ({
    options: { en: { size: "large" } },
    ...fields,
  });
  const variations = (fields: Record<string, unknown>) => ({ variations: { options, ...fields } });

  it("options by language or as the example prints them; radio buttons; absolute prices by default", async () => {
    const twoOptions = [
      ...options,
      {
        label: { en: "colour", de: "Farbe" },
        values: [
          { en: "red", de: "rot" },
          { en: "blue", de: "blau" },
        ],
        type: "radio buttons",
      },
    ];
    const product = await client.created(
      body({
        unlimited_stock: false,
        variations: {
          options: twoOptions,
          variants: [
            {
              options: { en: { size: "large" }, de: { Farbe: "rot" } },
              stock: 0,
              pricing_model: [{ currency: "eur", price: 5 }],
            },
            { options: [{ größe: "klein", colour: "blue" }], unlimited_stock: true, shown: false },
          ],
        },
      }),
    );
    expect(product).toMatchObject({
      has_variations: true,
      stock: 0,
      unlimited_stock: false,
      in_stock: false,
    });
    const stored = await client.v1(product.id);
    expect(stored).toMatchObject({
      variant_pricing: "absolute",
      options: [{ name: "size" }, { name: "colour", values: ["red", "blue"], display: "radio" }],
      variants: [
        {
          options: { size: "large", colour: "red" },
          prices: [{ currency: "EUR", amount: 5 }],
          in_stock: false,
        },
        {
          options: { size: "large", colour: "blue" },
          inventory: { quantity: 0, allow_backorder: false, tracked: false },
          visible: false,
          in_stock: true,
        },
      ],
    });
  });

  it("what names no option, or no value of it, or an option twice, is refused naming it", async () => {
    await refused(variations({ variants: [variant({ options: { en: { colour: "red" } } })] }), [
      "variations.variants[0].options.en.colour",
    ]);
    await refused(variations({ variants: [variant({ options: [{ size: "small" }] })] }), [
      "variations.variants[0].options[0].size",
    ]);
    await refused(
      variations({ variants: [variant({ options: [{ size: "large" }, { größe: "mittel" }] })] }),
      ["variations.variants[0].options[1].größe"],
    );
    await refused(variations({ variants: [variant(), variant()] }), ["variations.variants[1].options"]);
    // An option no key names: the /v1 rule's failure, in Tamio's name.
    const twoOptions = [...options, { label: { en: "colour" }, values: [{ en: "red" }] }];
    await refused({ variations: { options: twoOptions, variants: [variant()] } }, [
      "variations.variants[0].options",
    ]);
    await refused({ variations: { variants: [variant()] } }, ["variations.variants[0].options.en.size"]);
    await refused({ variations: { variants: [{ options: {} }] } }, ["variations.variants"]);
  });

  it("labels and values in the default language and in every language of the label; the two types", async () => {
    await refused({ variations: { options: [{ label: { de: "größe" }, values: [{ de: "klein" }] }] } }, [
      "variations.options[0].label.en",
      "variations.options[0].values[0].en",
    ]);
    await refused(
      { variations: { options: [{ label: { en: "size", de: "größe" }, values: [{ en: "large" }] }] } },
      ["variations.options[0].values[0].de"],
    );
    await refused({ variations: { options: [{ ...options[0], type: "dropdown_list" }] } }, [
      "variations.options[0].type",
    ]);
    await refused(
      { variations: { options: [{ label: { en: "size" }, values: [{ en: "L" }, { en: "L" }] }] } },
      ["variations.options[0].values[1].en"],
    );
    await refused({ variations: { options: [{ label: { en: "s".repeat(129) }, values: [{ en: "L" }] }] } }, [
      "variations.options[0].label.en",
    ]);
    await refused({ variations: { options: [{ label: { en: "size" }, values: [] }] } }, [
      "variations.options[0].values",
    ]);
  });

  it("variant prices: delta needs the product's price; recommended or acquisition prices cannot be said", async () => {
    await refused(
      variations({
        delta_pricing: true,
        variants: [variant({ pricing_model: [{ currency: "usd", price: 100 }] })],
      }),
      ["variations.variants[0].pricing_model[0].currency"],
    );
    await refused(variations({ variants: [variant({ pricing_model: [{ currency: "eur", price: -1 }] })] }), [
      "variations.variants[0].pricing_model[0].price",
    ]);
    const delta = await client.created(
      body(
        variations({
          delta_pricing: true,
          variants: [variant({ pricing_model: [{ currency: "eur", price: -10 }] })],
        }),
      ),
    );
    expect((await client.v1(delta.id)).variants).toMatchObject([
      { prices: [{ currency: "EUR", amount: -10 }] },
    ]);
    await refused(
      variations({
        variants: [variant({ pricing_model: [{ currency: "eur", price: 1, recommended_seller_price: 2 }] })],
      }),
      ["variations.variants[0].pricing_model[0].recommended_seller_price"],
    );
    await refused(
      variations({ variants: [variant({ gallery: ["d50ddc33-6cc2-4ccb-86d8-72819cccb8c3"] })] }),
      ["variations.variants[0].gallery[0]"],
    );
    await refused(variations({ variants: [variant({ stock: 1_000_000_001 })] }), [
      "variations.variants[0].stock",
    ]);
    await refused(variations({ variants: [variant({ sku: "A" })] }), ["variations.variants[0].sku"]);
  });
});

describe("what Tamio's dialect cannot express", () => {
  it("unknown fields, our own names and the answer's read-only fields are refused naming them", async () => {
    await refused({ sku: "A", name: "x" }, ["sku", "name"]);
    await refused({ id: "cbadfed2-4464-452c-a146-6f064c863953", object: "product" }, ["id", "object"]);
    await refused({ hide_if_no_stock: true, is_moss_product: true }, ["hide_if_no_stock", "is_moss_product"]);
    await refused({ languages: { en: { title: "x", name: "y" } } }, ["languages.en.name"]);
    await refused({ tax_category: "t".repeat(65) }, ["tax_category"]);
    await refused({ tax_calculation: "gross" }, ["tax_calculation"]);
    const inclusive = await client.created(
      body({ tax_category: "t".repeat(64), tax_calculation: "inclusive" }),
    );
    expect(inclusive).toMatchObject({
      tax_calculation: "inclusive",
      type: "service",
      is_moss_product: false,
    });
  });
});
