// What a product has for each field a write leaves out. One definition for the zod defaults of
// ProductInput (products.input.ts), the fields a row stored before they existed reads with
// (storedFields, products.stored.ts) and the bench's stored rows (bench/lib/catalog.mjs, which loads
// this file with Node's type stripping: no imports). storedFields checks that it is a whole product
// but for the fields named below.

export const DEFAULT_INVENTORY = {
  tracking: "none" as const,
  quantity: 0,
  low_stock_threshold: null,
  allow_backorder: false,
  min_order_quantity: 1,
  max_order_quantity: null,
};

/** Every writable field but `name` and those whose default depends on others (shippable, default_currency). */
export const PRODUCT_DEFAULTS = {
  description: null,
  status: "active" as const,
  type: "physical" as const,
  schedule_appointment: false,
  sku: null,
  gtin: null,
  tax_category: null,
  tax_behavior: "exclusive" as const,
  prices: [],
  features: [],
  tags: [],
  props: {},
  agent_ids: [],
  slug: null,
  seo: { title: null, description: null },
  default_locale: "en",
  localizations: {},
  visible: true,
  buyable: true,
  on_sale: false,
  discountable: true,
  reviews_allowed: false,
  exclude_from_feeds: false,
  available_from: null,
  available_to: null,
  new_from: null,
  new_to: null,
  attributes: [],
  custom_fields: [],
  allowed_countries: [],
  destination: null,
  related_product_ids: [],
  options: [],
  variants: [],
  variant_pricing: "absolute" as const,
  inventory: DEFAULT_INVENTORY,
};
