import { describe, expect, it } from "vitest";
import { bytesOf, IMAGES } from "../fixtures/images";
import { api, createProduct, expectError, expectFailures, sharedTenant } from "../helpers";

/** Options, variants and variant pricing (the contract, Options and variants). */

type Variant = {
  id: string;
  options: Record<string, string>;
  sku: string | null;
  gtin: string | null;
  prices: { currency: string; amount: number }[];
  inventory: { quantity: number; allow_backorder: boolean } | null;
  visible: boolean;
  image_ids: string[];
  in_stock: boolean;
};
type Product = {
  id: string;
  version: number;
  options: { name: string; values: string[]; display: string; localizations: Record<string, unknown> }[];
  variants: Variant[];
  variant_pricing: string;
  in_stock: boolean;
  images: { id: string }[];
};

const OPTIONS = [
  { name: "Size", values: ["S", "M", "L"] },
  { name: "Colour", values: ["Red", "Blue"], display: "radio" },
];

const main = sharedTenant();

const tag = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
const create = (body: Record<string, unknown>) =>
  createProduct<Product>(main.key, { options: OPTIONS, ...body });
const post = (body: Record<string, unknown>) =>
  api("/v1/products", { method: "POST", key: main.key, body: { name: "W", options: OPTIONS, ...body } });
const write = (id: string, method: string, body: unknown) =>
  api(`/v1/products/${id}`, { method, key: main.key, body });

describe("options and variants", () => {
  it("store options with their defaults and variants with ids, in order", async () => {
    const sku = `V-${tag()}`;
    const product = await create({
      variants: [
        { options: { Size: "S", Colour: "Red" }, sku, gtin: "400-6381-333931" },
        { options: { Colour: "Blue", Size: "L" } },
      ],
    });
    expect(product.options).toEqual([
      { name: "Size", values: ["S", "M", "L"], display: "dropdown", localizations: {} },
      { name: "Colour", values: ["Red", "Blue"], display: "radio", localizations: {} },
    ]);
    expect(product.variant_pricing).toBe("absolute");
    expect(product.variants).toEqual([
      {
        id: expect.stringMatching(/^var_[0-9A-Z]{26}$/),
        options: { Size: "S", Colour: "Red" },
        sku,
        gtin: "4006381333931",
        prices: [],
        inventory: null,
        visible: true,
        image_ids: [],
        in_stock: true,
      },
      expect.objectContaining({ options: { Size: "L", Colour: "Blue" }, sku: null }),
    ]);
  });

  it("every variant names a value of every option, from its values, and no two share one", async () => {
    await expectFailures(
      await post({
        variants: [
          { options: { Size: "S" } },
          { options: { Size: "XL", Colour: "Red" } },
          { options: { Size: "M", Colour: "Red", Fit: "Slim" } },
          { options: { Size: "L", Colour: "Blue" } },
          { options: { Colour: "Blue", Size: "L" } },
        ],
      }),
      [
        "variants[0].options.Colour",
        "variants[1].options.Size",
        "variants[2].options.Fit",
        "variants[4].options",
      ],
    );
    await expectFailures(await post({ options: [], variants: [{ options: {} }] }), ["variants"]);
  });

  it("options: at most 5, 1–100 unique values each, unique names, localizations translate every value", async () => {
    const five = Array.from({ length: 5 }, (_, index) => ({ name: `O${index}`, values: ["a"] }));
    expect((await create({ options: five })).options).toHaveLength(5);
    await expectFailures(await post({ options: [...five, { name: "O5", values: ["a"] }] }), ["options"]);
    const hundred = Array.from({ length: 100 }, (_, index) => `v${index}`);
    expect((await create({ options: [{ name: "Many", values: hundred }] })).options[0]?.values).toHaveLength(
      100,
    );
    await expectFailures(await post({ options: [{ name: "Many", values: [...hundred, "v100"] }] }), [
      "options[0].values",
    ]);
    await expectFailures(
      await post({
        options: [
          { name: "None", values: [] },
          { name: "Bad", values: ["a"], display: "grid" },
        ],
      }),
      ["options[0].values", "options[1].display"],
    );
    await expectFailures(
      await post({
        options: [
          { name: "Size", values: ["S", "S"] },
          { name: "Size", values: ["M"], localizations: { de: { name: "Größe", values: ["M", "L"] } } },
        ],
      }),
      ["options[0].values[1]", "options[1].name", "options[1].localizations.de.values"],
    );
  });

  it("at most 250 variants", async () => {
    const values = Array.from({ length: 100 }, (_, index) => `v${index}`);
    const options = [
      { name: "A", values },
      { name: "B", values: ["x", "y", "z"] },
    ];
    const combos = values.flatMap((a) => ["x", "y", "z"].map((b) => ({ options: { A: a, B: b } })));
    const product = await create({ options, variants: combos.slice(0, 250) });
    expect(product.variants).toHaveLength(250);
    const response = await api(`/v1/products/${product.id}`, { key: main.key });
    expect(response.headers.get("Server-Timing")).toMatch(/rows_read=1 /);
    await expectFailures(await post({ options, variants: combos.slice(0, 251) }), ["variants"]);
  });
});

describe("variant identifiers", () => {
  it("a variant's sku or gtin is unique in the org together with the products'", async () => {
    const sku = `U-${tag()}`;
    await create({ variants: [{ options: { Size: "S", Colour: "Red" }, sku }] });
    await expectError(await post({ sku }), 409, "duplicate_sku");
    await expectError(
      await post({ variants: [{ options: { Size: "M", Colour: "Red" }, sku }] }),
      409,
      "duplicate_sku",
    );
    await expectFailures(
      await post({
        sku: `P-${sku}`,
        gtin: "036000291452",
        variants: [
          { options: { Size: "S", Colour: "Red" }, sku: `P-${sku}` },
          { options: { Size: "M", Colour: "Red" }, gtin: "0036000291452" },
        ],
      }),
      ["variants[0].sku", "variants[1].gtin"],
    );
  });

  it("the sku and gtin filters find the product by its variant", async () => {
    const sku = `F-${tag()}`;
    const product = await create({ variants: [{ options: { Size: "S", Colour: "Blue" }, sku }] });
    const found = (await (await api(`/v1/products?sku=${sku}`, { key: main.key })).json()) as {
      data: { id: string }[];
    };
    expect(found.data.map((item) => item.id)).toEqual([product.id]);
  });

  it("ids stay across PUT and PATCH while the combination stays; a new combination gets a new id", async () => {
    const product = await create({
      variants: [{ options: { Size: "S", Colour: "Red" } }, { options: { Size: "M", Colour: "Red" } }],
    });
    const [small, medium] = product.variants as [Variant, Variant];
    const replaced = (await (
      await write(product.id, "PUT", {
        name: "W",
        options: OPTIONS,
        variants: [
          { options: { Size: "M", Colour: "Red" }, sku: `M-${tag()}` },
          { options: { Size: "L", Colour: "Red" } },
        ],
      })
    ).json()) as Product;
    expect(replaced.variants[0]?.id).toBe(medium.id);
    expect(replaced.variants[1]?.id).not.toBe(small.id);
    const patched = (await (
      await write(product.id, "PATCH", {
        variants: [
          { id: "var_ignored", options: { Colour: "Red", Size: "M" } },
          { options: { Size: "S", Colour: "Red" } },
        ],
      })
    ).json()) as Product;
    expect(patched.variants[0]?.id).toBe(medium.id);
    expect(patched.variants[1]?.id).not.toBe(small.id);
  });
});

describe("variant pricing", () => {
  it("absolute: amounts of their own, never below 0", async () => {
    const product = await create({
      variants: [{ options: { Size: "S", Colour: "Red" }, prices: [{ currency: "eur", amount: 0 }] }],
    });
    expect(product.variants[0]?.prices).toEqual([{ currency: "EUR", amount: 0 }]);
    await expectFailures(
      await post({
        variants: [{ options: { Size: "S", Colour: "Red" }, prices: [{ currency: "EUR", amount: -1 }] }],
      }),
      ["variants[0].prices[0].amount"],
    );
  });

  it("delta: added to the product's price of the currency, the sum never below 0", async () => {
    const body = (amount: number, currency = "EUR") => ({
      prices: [{ currency: "EUR", amount: 1000 }],
      variant_pricing: "delta",
      variants: [{ options: { Size: "S", Colour: "Red" }, prices: [{ currency, amount }] }],
    });
    expect((await create(body(-1000))).variants[0]?.prices).toEqual([{ currency: "EUR", amount: -1000 }]);
    await expectFailures(await post(body(-1001)), ["variants[0].prices[0].amount"]);
    await expectFailures(await post(body(100, "USD")), ["variants[0].prices[0].currency"]);
    await expectFailures(await post({ variant_pricing: "relative" }), ["variant_pricing"]);
  });
});

describe("stock and images per variant", () => {
  it("with tracking per variant, a variant is in stock by its own quantity; the product when a visible one is", async () => {
    const product = await create({
      inventory: { tracking: "variant" },
      variants: [
        { options: { Size: "S", Colour: "Red" }, inventory: { quantity: 2 } },
        { options: { Size: "M", Colour: "Red" }, inventory: { quantity: 0 } },
        { options: { Size: "L", Colour: "Red" } },
      ],
    });
    expect(product.variants.map((variant) => variant.in_stock)).toEqual([true, false, false]);
    expect(product.in_stock).toBe(true);
    const hidden = (await (
      await write(product.id, "PATCH", {
        variants: [
          { options: { Size: "S", Colour: "Red" }, inventory: { quantity: 2 }, visible: false },
          { options: { Size: "M", Colour: "Red" }, inventory: { quantity: 0, allow_backorder: true } },
        ],
      })
    ).json()) as Product;
    expect(hidden.variants.map((variant) => variant.in_stock)).toEqual([true, true]);
    expect(hidden.in_stock).toBe(true);
    expect((await create({ inventory: { tracking: "variant" } })).in_stock).toBe(false);
  });

  it("image_ids name images of the product", async () => {
    const product = await create({});
    const upload = await api(`/v1/products/${product.id}/images`, {
      method: "POST",
      key: main.key,
      body: bytesOf(IMAGES.png),
      headers: { "Content-Type": "image/png" },
    });
    const imageId = ((await upload.json()) as Product).images[0]?.id as string;
    const variants = (image_ids: string[]) => ({
      variants: [{ options: { Size: "S", Colour: "Red" }, image_ids }],
    });
    expect(
      ((await (await write(product.id, "PATCH", variants([imageId]))).json()) as Product).variants[0]
        ?.image_ids,
    ).toEqual([imageId]);
    await expectFailures(await write(product.id, "PATCH", variants([imageId, "img_unknown"])), [
      "variants[0].image_ids[1]",
    ]);
    await expectFailures(await post(variants([imageId])), ["variants[0].image_ids[0]"]);
  });
});

describe("option names that are also object properties", () => {
  it("are options like any other: a variant must name their value itself", async () => {
    const options = [
      { name: "constructor", values: ["a"] },
      { name: "toString", values: ["b"] },
    ];
    const product = await create({ options, variants: [{ options: { constructor: "a", toString: "b" } }] });
    expect(product.variants[0]?.options).toEqual({ constructor: "a", toString: "b" });
    const missing = await expectFailures(
      await post({ options, variants: [{ options: { constructor: "a" } }] }),
      ["variants[0].options.toString"],
    );
    expect(missing.failures?.[0]?.message).toMatch(/^Required/);
  });
});
