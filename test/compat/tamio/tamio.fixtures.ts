// What the Tamio tests share: Tamio's documented bodies (as its page prints them, the capture's
// lost underscores and hyphens put back), the documented answer's keys, and requests as a client.
import { expect } from "vitest";
import { api, type Tenant } from "../../helpers";

export const BASE = "/compat/tamio/v2/products";

/** The curl example of the create-service page, as printed. */
export const CURL_EXAMPLE = {
  unlimited_stock: true,
  tax_category: "digital services",
  pricing_model: [{ currency: "eur", price: 10 }],
  languages: { en: { title: "my awesome product" } },
};

/** Its Ruby and JavaScript examples: the same, priced 1000. */
export const RUBY_EXAMPLE = { ...CURL_EXAMPLE, pricing_model: [{ currency: "eur", price: 1000 }] };

/** The documented `languages`, with de and sv content where the page has comments. */
export const LANGUAGES = {
  en: {
    title: "blue t-shirt",
    description: "exclusive blue t-shirt, just 100 pieces available",
    seo_title: "blue t-shirt",
    seo_description: "exclusive blue t-shirt, just 100 pieces available",
    slug: "blue-t-shirt",
  },
  de: {
    title: "blaues T-Shirt",
    description: "exklusives blaues T-Shirt, nur 100 Stück verfügbar",
    seo_title: "blaues T-Shirt",
    seo_description: "exklusives blaues T-Shirt",
    slug: "blaues-t-shirt",
  },
  sv: { title: "blå t-shirt", description: "exklusiv blå t-shirt" },
};

/** The documented `variations`, its variant's `"sizen"` read as the option's German label. */
export const VARIATIONS = {
  delta_pricing: true,
  options: [
    { label: { en: "size", de: "größe" }, values: [{ en: "large", de: "klein" }], type: "dropdown list" },
  ],
  variants: [
    {
      options: [{ size: "large", größe: "klein" }],
      stock: 100,
      unlimited_stock: false,
      shown: true,
      gallery: [],
      pricing_model: [{ currency: "eur", price: 100 }],
    },
  ],
};

/** Every body parameter the page documents, with its documented examples. */
export const FULL_EXAMPLE = {
  tax_category: "digital services",
  pricing_model: [{ currency: "eur", price: 1200, recommended_seller_price: 0, acquisition_price: 0 }],
  languages: LANGUAGES,
  unlimited_stock: false,
  stock: 100,
  stock_limit_warning: 5,
  max_units: 10,
  min_units: 2,
  buyable: true,
  on_sale: true,
  discount_allowed: false,
  reviews_allowed: true,
  shown: true,
  exclude_from_feed: true,
  new_from: 1666309325,
  new_to: "2022-12-31 23:59:59 +0000",
  expiry_date: "2030-01-01 00:00:00 +0000",
  release_date: 1666309325,
  gallery: [],
  related_products: [],
  whitelist: ["de", "se"],
  custom_attributes: [{ language: "en", name: "attribute name", value: "attribute value" }],
  custom_fields: [
    { language: "en", name: "field name", type: "checkboxes", values: ["value1", "value2"] },
    { language: "en", name: "name", range_from: 1709762400, range_to: 1711749600, type: "date_picker" },
  ],
  variations: VARIATIONS,
};

/** The keys of the documented answer: the envelope, the product and its nested objects. */
export const ANSWER_KEYS = ["product", "status"];
export const PRODUCT_KEYS = [
  "additional_information",
  "allow_negative_stock",
  "classification",
  "created",
  "created_unix",
  "currency",
  "custom_attributes",
  "description",
  "discount_allowed",
  "gallery",
  "has_variations",
  "hide_if_no_stock",
  "id",
  "in_stock",
  "is_moss_product",
  "languages",
  "max_units",
  "min_units",
  "name",
  "object",
  "on_sale",
  "price",
  "pricing_model",
  "related_products",
  "reviews_allowed",
  "seo_description",
  "seo_title",
  "shown",
  "stock",
  "stock_limit_warning",
  "tax_calculation",
  "type",
  "unlimited_stock",
  "updated",
  "updated_unix",
];
export const ADDITIONAL_KEYS = [
  "exclude_from_feed",
  "expiry_date",
  "expiry_date_unix",
  "new_from",
  "new_from_unix",
  "new_to",
  "new_to_unix",
  "release_date",
  "release_date_unix",
  "sample",
];
export const PRICING_MODEL_KEYS = [
  "acquisition_price",
  "currency",
  "id",
  "object",
  "price",
  "recommended_seller_price",
];
export const LANGUAGE_KEYS = ["description", "seo_description", "seo_title", "slug", "title"];

export type TamioProduct = Record<string, unknown> & {
  id: string;
  name: string;
  price: number | null;
  currency: string | null;
  stock: number | null;
  pricing_model: Record<string, unknown>[];
  languages: Record<string, Record<string, unknown>>;
  additional_information: Record<string, unknown>;
};

export type V1Product = Record<string, unknown> & { id: string; version: number };

/** Asserts the documented answer's key set, exactly, at every level; returns the product. */
export function expectTamioShape(answer: unknown): TamioProduct {
  const body = answer as { product: TamioProduct; status: number };
  expect(Object.keys(body).sort()).toEqual(ANSWER_KEYS);
  expect(body.status).toBe(200);
  const product = body.product;
  expect(Object.keys(product).sort()).toEqual(PRODUCT_KEYS);
  expect(Object.keys(product.additional_information).sort()).toEqual(ADDITIONAL_KEYS);
  for (const model of product.pricing_model) expect(Object.keys(model).sort()).toEqual(PRICING_MODEL_KEYS);
  for (const language of Object.values(product.languages))
    expect(Object.keys(language).sort()).toEqual(LANGUAGE_KEYS);
  return product;
}

export const tamio = (t: Tenant) => ({
  post: (body: unknown, headers?: Record<string, string>) =>
    api(`${BASE}/create/service`, { method: "POST", key: t.key, body, headers }),
  get: (id: string) => api(`${BASE}/${id}`, { key: t.key }),
  async created(body: unknown = CURL_EXAMPLE): Promise<TamioProduct> {
    const response = await api(`${BASE}/create/service`, { method: "POST", key: t.key, body });
    expect(response.status, await response.clone().text()).toBe(200);
    return expectTamioShape(await response.json());
  },
  async read(id: string): Promise<TamioProduct> {
    const response = await api(`${BASE}/${id}`, { key: t.key });
    expect(response.status, await response.clone().text()).toBe(200);
    return expectTamioShape(await response.json());
  },
  async v1(uuid: string): Promise<V1Product> {
    const response = await api(`/v1/products/${v1Id(uuid)}`, { key: t.key });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as V1Product;
  },
});

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A Tamio id (a UUID) as our `prod_<ULID>`, computed here independently of src/lib/ids.ts. */
export function v1Id(uuid: string): string {
  let value = BigInt(`0x${uuid.replaceAll("-", "")}`);
  let ulid = "";
  for (let i = 0; i < 26; i++) {
    ulid = CROCKFORD.charAt(Number(value % 32n)) + ulid;
    value /= 32n;
  }
  return `prod_${ulid}`;
}

/** The documented pricing-model id: SHA-256(`<product id>:<CURRENCY>`)'s first 16 bytes, UUIDv8. */
export async function pricingModelId(productId: string, currency: string) {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${productId}:${currency}`)),
  );
  const hex = [...bytes.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const version = `8${hex.slice(13, 16)}`;
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) + hex.slice(18, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}
