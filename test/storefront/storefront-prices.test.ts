import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createProduct, expectFailures, publishableKey, type Tenant, tenant } from "../helpers";

/** What the storefront shows of variant prices (the contract, Options and variants; Storefront). */

type Price = { currency: string; amount: number; compare_at_amount: number | null };
type Shown = {
  prices: Price[];
  variants: { options: Record<string, string>; prices: Price[] }[];
  variant_pricing: string;
};
type Stored = {
  variants: { options: Record<string, string>; prices: { currency: string; amount: number }[] }[];
  variant_pricing: string;
};

let shop: Tenant;
let pk: string;
beforeAll(async () => {
  shop = await tenant();
  pk = await publishableKey(shop.orgId);
});

async function shown(id: string): Promise<Shown> {
  const response = await api(`/v1/storefront/products/${id}`, { key: pk });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Shown;
}

const SIZES = { name: "Size", values: ["S", "M", "L", "XL"] };
const DELTAS = [
  { options: { Size: "S" } },
  {
    options: { Size: "M" },
    prices: [
      { currency: "EUR", amount: 250 },
      { currency: "USD", amount: 100 },
    ],
  },
  {
    options: { Size: "L" },
    prices: [
      { currency: "usd", amount: -800 },
      { currency: "EUR", amount: -100 },
    ],
  },
  { options: { Size: "XL" }, prices: [{ currency: "USD", amount: -300 }] },
];

describe("variant prices on the storefront", () => {
  it("with delta pricing are final: the product's price of the currency plus the delta, the compare-at price moved alike", async () => {
    const product = await createProduct(shop.key, {
      name: "T-shirt",
      prices: [
        { currency: "EUR", amount: 1000, compare_at_amount: 1500 },
        { currency: "USD", amount: 800 },
      ],
      variant_pricing: "delta",
      options: [SIZES],
      variants: DELTAS,
    });
    const body = await shown(product.id);
    expect(body.prices).toEqual([
      { currency: "EUR", amount: 1000, compare_at_amount: 1500 },
      { currency: "USD", amount: 800, compare_at_amount: null },
    ]);
    expect(body.variants.map((variant) => [variant.options.Size, variant.prices])).toEqual([
      // No delta for a currency: the product's price is the variant's (as with absolute pricing).
      ["S", []],
      [
        "M",
        [
          { currency: "EUR", amount: 1250, compare_at_amount: 1750 },
          { currency: "USD", amount: 900, compare_at_amount: null },
        ],
      ],
      [
        "L",
        [
          { currency: "USD", amount: 0, compare_at_amount: null },
          { currency: "EUR", amount: 900, compare_at_amount: 1400 },
        ],
      ],
      ["XL", [{ currency: "USD", amount: 500, compare_at_amount: null }]],
    ]);
    // The prices are final, so a shop adds nothing to them.
    expect(body.variant_pricing).toBe("absolute");

    // The products API keeps the deltas as written.
    const stored = (await (await api(`/v1/products/${product.id}`, { key: shop.key })).json()) as Stored;
    expect(stored.variant_pricing).toBe("delta");
    expect(stored.variants.map((variant) => variant.prices)).toEqual([
      [],
      [
        { currency: "EUR", amount: 250 },
        { currency: "USD", amount: 100 },
      ],
      [
        { currency: "USD", amount: -800 },
        { currency: "EUR", amount: -100 },
      ],
      [{ currency: "USD", amount: -300 }],
    ]);
  });

  it("never go below 0, even where a stored sum does", async () => {
    // Through the API a delta that takes the sum below 0 is refused ...
    const refused = await api("/v1/products", {
      method: "POST",
      key: shop.key,
      body: {
        name: "T-shirt",
        prices: [{ currency: "USD", amount: 800 }],
        variant_pricing: "delta",
        options: [SIZES],
        variants: [{ options: { Size: "S" }, prices: [{ currency: "USD", amount: -801 }] }],
      },
    });
    await expectFailures(refused, ["variants[0].prices[0].amount"]);

    // ... but a stored row may still hold one (written before the rule, or by hand): the product's
    // USD price lowered to 200 in D1, under the L (-800) and XL (-300) deltas, and a delta in a
    // currency the product has no price in.
    const product = await createProduct(shop.key, {
      name: "Hoodie",
      prices: [
        { currency: "EUR", amount: 1000, compare_at_amount: 1500 },
        { currency: "USD", amount: 800 },
      ],
      variant_pricing: "delta",
      options: [SIZES],
      variants: DELTAS,
    });
    await env.DB.prepare(
      `UPDATE products SET data = json_insert(json_set(data, '$.prices[1].amount', 200),
         '$.variants[0].prices[#]', json('{"currency":"GBP","amount":100}')) WHERE id = ?`,
    )
      .bind(product.id)
      .run();
    const body = await shown(product.id);
    expect(body.variants.map((variant) => [variant.options.Size, variant.prices])).toEqual([
      // GBP has no product price to add the delta to: not a price of the variant.
      ["S", []],
      [
        "M",
        [
          { currency: "EUR", amount: 1250, compare_at_amount: 1750 },
          { currency: "USD", amount: 300, compare_at_amount: null },
        ],
      ],
      [
        "L",
        [
          { currency: "USD", amount: 0, compare_at_amount: null },
          { currency: "EUR", amount: 900, compare_at_amount: 1400 },
        ],
      ],
      ["XL", [{ currency: "USD", amount: 0, compare_at_amount: null }]],
    ]);
  });

  it("with absolute pricing are the variant's own, with no compare-at price", async () => {
    const product = await createProduct(shop.key, {
      name: "Cap",
      prices: [{ currency: "EUR", amount: 1000, compare_at_amount: 1500 }],
      options: [SIZES],
      variants: [
        { options: { Size: "S" } },
        { options: { Size: "M" }, prices: [{ currency: "EUR", amount: 1200 }] },
      ],
    });
    const body = await shown(product.id);
    expect(body.variant_pricing).toBe("absolute");
    expect(body.variants.map((variant) => variant.prices)).toEqual([
      [],
      [{ currency: "EUR", amount: 1200, compare_at_amount: null }],
    ]);
  });
});
