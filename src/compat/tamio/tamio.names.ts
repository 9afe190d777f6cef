import { type FieldNames, fieldNames } from "../dialect";

// The /v1 rules' failures in Tamio's names: `name` is `languages.<default>.title`,
// `prices[0].amount` `pricing_model[0].price`, `variants[1].inventory.quantity`
// `variations.variants[1].stock`.

/** A language's texts under Tamio's names, from the /v1 ones (`seo.title` → `seo_title`). */
const LANGUAGE_FIELDS: Record<string, string> = {
  name: "title",
  description: "description",
  slug: "slug",
  "seo.title": "seo_title",
  "seo.description": "seo_description",
};

const OPTION_PARTS: [RegExp, (...parts: string[]) => string][] = [
  [/^name$/, () => "label.{d}"],
  [/^values\[(\d+)\]$/, (j) => `values[${j}].{d}`],
  [/^display$/, () => "type"],
  [/^localizations\.([^.]+)\.name$/, (lang) => `label.${lang}`],
  [/^localizations\.([^.]+)\.values\[(\d+)\]$/, (lang, j) => `values[${j}].${lang}`],
  [/^localizations\.([^.]+)\.values$/, () => "values"],
  [/^localizations\.([^.]+)$/, (lang) => `label.${lang}`],
];

const VARIANT_PARTS: [RegExp, (...parts: string[]) => string][] = [
  [/^options(\..*)?$/, () => "options"],
  [/^prices\[(\d+)\]\.amount$/, (j) => `pricing_model[${j}].price`],
  [/^prices(.*)$/, (rest) => `pricing_model${rest}`],
  [/^inventory\.tracked$/, () => "unlimited_stock"],
  [/^inventory(\..*)?$/, () => "stock"],
  [/^visible$/, () => "shown"],
  [/^image_ids(.*)$/, (rest) => `gallery${rest}`],
];

/** `options[1].values[2]` under `base[1]`: the part after the index by the first rule matching it. */
function listItem(field: string, base: string, rules: typeof OPTION_PARTS, language: string) {
  const match = /^[a-z_]+\[(\d+)\](?:\.(.*))?$/.exec(field);
  if (!match) return base;
  const [, index, rest] = match;
  const at = `${base}[${index}]`;
  if (rest === undefined) return at;
  for (const [pattern, name] of rules) {
    const parts = pattern.exec(rest);
    if (parts) return `${at}.${name(...parts.slice(1).map((part) => part ?? ""))}`.replace("{d}", language);
  }
  return `${at}.${rest}`;
}

const INVENTORY_FIELDS: Record<string, string> = {
  "inventory.quantity": "stock",
  "inventory.low_stock_threshold": "stock_limit_warning",
  "inventory.min_order_quantity": "min_units",
  "inventory.max_order_quantity": "max_units",
  "inventory.allow_backorder": "allow_negative_stock",
  "inventory.tracking": "unlimited_stock",
};

/** /v1 field paths as Tamio names them; `language` is the key of `languages` made the default. */
export function tamioNames(language: string): FieldNames {
  const own = `languages.${language}`;
  return fieldNames({
    name: `${own}.title`,
    description: `${own}.description`,
    slug: `${own}.slug`,
    seo: (field) => (LANGUAGE_FIELDS[field] ? `${own}.${LANGUAGE_FIELDS[field]}` : own),
    default_locale: "languages",
    localizations: (field) => {
      const [, key, rest] = /^localizations\.([^.]+)(?:\.(.*))?$/.exec(field) ?? [];
      if (key === undefined) return "languages";
      const name = rest === undefined ? undefined : LANGUAGE_FIELDS[rest];
      return name ? `languages.${key}.${name}` : `languages.${key}`;
    },
    tax_behavior: "tax_calculation",
    prices: (field) =>
      field
        .replace(/^prices/, "pricing_model")
        .replace(/\.amount$/, ".price")
        .replace(/\.compare_at_amount$/, ".recommended_seller_price")
        .replace(/\.cost_amount$/, ".acquisition_price"),
    default_currency: "pricing_model",
    inventory: (field) => INVENTORY_FIELDS[field] ?? "stock",
    discountable: "discount_allowed",
    visible: "shown",
    exclude_from_feeds: "exclude_from_feed",
    available_from: "release_date",
    available_to: "expiry_date",
    related_product_ids: "related_products",
    allowed_countries: "whitelist",
    attributes: (field) =>
      field.replace(/^attributes/, "custom_attributes").replace(/\.locale$/, ".language"),
    custom_fields: (field) => field.replace(/\.locale$/, ".language"),
    options: (field) => listItem(field, "variations.options", OPTION_PARTS, language),
    variants: (field) => listItem(field, "variations.variants", VARIANT_PARTS, language),
    variant_pricing: "variations.delta_pricing",
  });
}
