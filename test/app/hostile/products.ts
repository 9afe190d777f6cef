// The product bodies of the corpus: a valid product with every writable field set and identifiers of
// its own (productBody), its free-text fields with their rules (PRODUCT_TEXT), a body with one text in
// all of them and what a read must then show, and the comparison of a stored product with that.

import { canonicalIdentifier } from "../../../src/lib/identifiers";
import type { TextField } from "./checks";
import type { Json } from "./json";
import { state } from "./state";

/** A GTIN-13 of its own for the nth body, with its check digit. */
export const gtin13 = (n: number) => {
  const digits = `400${String(n).padStart(9, "0")}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return `${digits}${(10 - (sum % 10)) % 10}`;
};

/**
 * A valid product with every writable field set (one of each nested kind), with identifiers of its
 * own: sku, gtin and slugs are unique per org.
 */
export function productBody(): Json {
  const n = ++state.serial;
  return {
    name: `Hostile widget ${n}`,
    description: "A plain description.",
    status: "active",
    type: "physical",
    shippable: true,
    schedule_appointment: false,
    sku: `HX-${n}`,
    gtin: gtin13(n),
    tax_category: "txcd_99999999",
    tax_behavior: "exclusive",
    prices: [
      { currency: "EUR", amount: 1000, compare_at_amount: 1200, cost_amount: 500, markup_percent: 100 },
    ],
    default_currency: "EUR",
    features: ["Feature"],
    tags: ["tag"],
    props: { note: "n", count: 1 },
    agent_ids: ["agent_1"],
    slug: `hostile-widget-${n}`,
    seo: { title: "Title", description: "Search description" },
    default_locale: "en",
    localizations: {
      de: {
        name: `Widget ${n}`,
        description: "Beschreibung",
        slug: `widget-${n}`,
        seo: { title: "Titel", description: "B" },
      },
    },
    visible: true,
    buyable: true,
    on_sale: false,
    discountable: true,
    reviews_allowed: false,
    exclude_from_feeds: false,
    available_from: "2020-01-01",
    available_to: "2999-12-31T23:59:59Z",
    new_from: "2020-01-01",
    new_to: "2021-01-01",
    inventory: {
      tracking: "variant",
      quantity: 0,
      low_stock_threshold: 0,
      allow_backorder: false,
      min_order_quantity: 1,
      max_order_quantity: 10,
    },
    attributes: [{ name: "Voltage", value: "230 V", locale: "de" }],
    custom_fields: [
      { name: "Size", type: "size", values: ["S"] },
      { name: "Day", type: "date_picker", range_from: "2026-12-01", range_to: "2026-12-24" },
    ],
    allowed_countries: ["DE"],
    destination: {
      url: "https://acme.example/x",
      chatbot: "0b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c",
      page: "1b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c",
      knowledge_base: "2b8a1c5e-4f4e-4c7b-9a55-7d7f4a1f2b3c",
    },
    related_product_ids: [state.fx.anchor],
    options: [
      {
        name: "Size",
        values: ["S"],
        display: "radio",
        localizations: { de: { name: "Größe", values: ["K"] } },
      },
    ],
    variants: [
      {
        options: { Size: "S" },
        sku: `HX-${n}-S`,
        prices: [{ currency: "EUR", amount: 1100 }],
        inventory: { quantity: 1, allow_backorder: false },
        visible: true,
        image_ids: [],
      },
    ],
    variant_pricing: "absolute",
    image_urls: ["https://blocked.localhost/a.png"],
  };
}

/** Free-text fields of a product (the contract, The product), with their rules. */
export const PRODUCT_TEXT: TextField[] = [
  { path: ["name"], min: 1, max: 512, trim: true },
  { path: ["description"], min: 0, max: 5000 },
  { path: ["tax_category"], min: 1, max: 64 },
  { path: ["features", 0], min: 1, max: 512 },
  { path: ["tags", 0], min: 1, max: 64, identifier: true },
  { path: ["agent_ids", 0], min: 1, max: 128, identifier: true },
  { path: ["seo", "title"], min: 0, max: 256 },
  { path: ["seo", "description"], min: 0, max: 1024 },
  { path: ["attributes", 0, "name"], min: 1, max: 128 },
  { path: ["attributes", 0, "value"], min: 1, max: 1024 },
  { path: ["props", "note"], min: 0, max: 16_000 },
];
export const productText = (text: string): Json => ({
  name: text,
  description: text,
  tax_category: text,
  features: [text],
  tags: [text],
  agent_ids: [text],
  seo: { title: text, description: text },
  attributes: [{ name: text, value: text }],
  props: { note: text },
});
/** What a read of a product made from productText(text) must show. */
export const productTextStored = (text: string) => ({
  name: text.trim(),
  description: text,
  tax_category: text,
  features: [text],
  tags: [canonicalIdentifier(text)],
  agent_ids: [canonicalIdentifier(text)],
  seo: { title: text, description: text },
  attributes: [{ name: text, value: text }],
  props: { note: text },
});

/** Compares the fields of `expected` with `actual`; the first difference, if any. */
export function storedDifference(expected: Record<string, unknown>, actual: unknown): string | undefined {
  const object = (actual ?? {}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(expected)) {
    let got = object[field];
    if (field === "attributes" && Array.isArray(got)) {
      got = got.map((attribute: { name: unknown; value: unknown }) => ({
        name: attribute.name,
        value: attribute.value,
      }));
    }
    if (field === "props" && got && typeof got === "object") got = { note: (got as { note?: unknown }).note };
    if (JSON.stringify(got) !== JSON.stringify(value)) {
      return `stored ${field} ${JSON.stringify(got)?.slice(0, 80)} instead of ${JSON.stringify(value).slice(0, 80)}`;
    }
  }
  return undefined;
}
