import { type Failure, invalidData } from "../../lib/errors";
import { uuidToUlid } from "../../lib/ids";
import { canonicalLocale } from "../../lib/locale";
import type { FieldNames } from "../dialect";
import { storedDate, type TamioDate } from "./tamio.dates";
import { OPTION_TYPES, type TamioServiceInput } from "./tamio.model";
import { tamioNames } from "./tamio.names";

// A Tamio create-service body as a /v1 ProductInput of type `service` (docs/compat.md, "Tamio"):
// the texts of the default language are the product's own, the others its localizations; variant
// options, keyed by label and language, become /v1 option names and values. What the mapping itself
// refuses is thrown here, in Tamio's names; the /v1 rules check the rest (productInput, inDialect).

/** The key of `languages` that is the product's default language: `en` if sent, else the first. */
export const defaultLanguageOf = (input: TamioServiceInput) => {
  const keys = Object.keys(input.languages);
  return keys.find((key) => canonicalLocale(key) === "en") ?? keys[0] ?? "en";
};

/** Only what was sent: a field left out takes the /v1 default. */
const defined = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

const dateOf = (value: TamioDate | null | undefined) =>
  value === undefined ? undefined : value === null ? null : storedDate(value);

/** An id Tamio sends for one of ours (`prod`, `img`): its UUID, or our own id as it is. */
const ourId = (prefix: string, id: string) => {
  const ulid = uuidToUlid(id);
  return ulid === undefined ? id : `${prefix}_${ulid}`;
};

type Option = NonNullable<NonNullable<TamioServiceInput["variations"]>["options"]>[number];
type Variant = NonNullable<NonNullable<TamioServiceInput["variations"]>["variants"]>[number];

/** Tamio's options (a label and values per language) as /v1 options, named in `language`. */
function optionsOf(options: Option[], language: string, failures: Failure[]) {
  return options.map((option, i) => {
    const at = `variations.options[${i}]`;
    const languages = Object.keys(option.label);
    if (!Object.hasOwn(option.label, language)) {
      failures.push({
        field: `${at}.label.${language}`,
        message: `Required: the label in the default language (${language}).`,
      });
    }
    option.values.forEach((value, j) => {
      for (const key of new Set([language, ...languages]))
        if (!Object.hasOwn(value, key))
          failures.push({ field: `${at}.values[${j}].${key}`, message: `Required: the label has ${key}.` });
      for (const key of Object.keys(value))
        if (!Object.hasOwn(option.label, key))
          failures.push({ field: `${at}.values[${j}].${key}`, message: `The label has no ${key}.` });
    });
    const values = (key: string) => option.values.map((value) => value[key] ?? "");
    return {
      name: option.label[language] ?? "",
      values: values(language),
      display: OPTION_TYPES[option.type ?? "dropdown list"],
      localizations: Object.fromEntries(
        languages
          .filter((key) => key !== language)
          .map((key) => [key, { name: option.label[key] ?? "", values: values(key) }]),
      ),
    };
  });
}

/**
 * A variant's options, label → value in some language (either form of VariantOptions), as /v1's
 * option name → value in the default language; a label or value of no option is refused.
 */
function variantOptionsOf(
  variant: Variant,
  at: string,
  options: Option[],
  language: string,
  failures: Failure[],
) {
  const pairs: { field: string; languages: string[] | undefined; label: string; value: string }[] = [];
  if (Array.isArray(variant.options)) {
    variant.options.forEach((entry, j) => {
      for (const [label, value] of Object.entries(entry))
        pairs.push({ field: `${at}.options[${j}].${label}`, languages: undefined, label, value });
    });
  } else {
    for (const [key, entry] of Object.entries(variant.options))
      for (const [label, value] of Object.entries(entry))
        pairs.push({ field: `${at}.options.${key}.${label}`, languages: [key], label, value });
  }
  const chosen = new Map<number, number>();
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const inLanguages = (map: Record<string, string>, text: string) =>
      Object.entries(map).some(([key, value]) => value === text && (pair.languages ?? [key]).includes(key));
    const optionIndex = options.findIndex((option) => inLanguages(option.label, pair.label));
    const option = options[optionIndex];
    if (!option) {
      failures.push({ field: pair.field, message: `No option is labelled '${pair.label}'.` });
      continue;
    }
    const valueIndex = option.values.findIndex((value) => inLanguages(value, pair.value));
    if (valueIndex < 0) {
      failures.push({ field: pair.field, message: `'${pair.value}' is not one of the option's values.` });
    } else if ((chosen.get(optionIndex) ?? valueIndex) !== valueIndex) {
      failures.push({ field: pair.field, message: "Another value of the same option is chosen already." });
    } else {
      chosen.set(optionIndex, valueIndex);
      result[option.label[language] ?? ""] = option.values[valueIndex]?.[language] ?? "";
    }
  }
  return result;
}

/**
 * POST create/service: Tamio's body as a /v1 product of type `service`, with the names of its
 * failures; what the mapping itself refuses is thrown here, in Tamio's names.
 */
export function createInput(input: TamioServiceInput): { input: Record<string, unknown>; names: FieldNames } {
  const language = defaultLanguageOf(input);
  const failures: Failure[] = [];
  const unlimited = input.unlimited_stock ?? false;
  if (unlimited && input.stock_limit_warning != null) {
    failures.push({
      field: "stock_limit_warning",
      message: "Not supported with unlimited_stock (as in Tamio).",
    });
  }
  (input.gallery ?? []).forEach((imageId, index) => {
    failures.push({
      field: `gallery[${index}]`,
      message: `No image '${imageId}' on this product: images are added once it exists (POST /v1/products/{id}/images).`,
    });
  });
  const related = (input.related_products ?? []).map((id, index) => {
    const productId = ourId("prod", id);
    if (!productId.startsWith("prod_"))
      failures.push({ field: `related_products[${index}]`, message: `Not a product id: '${id}'.` });
    return productId;
  });
  // Two keys of one language (`en`, `EN`): the second would silently replace the first's texts.
  const seen = new Map<string, string>();
  for (const key of Object.keys(input.languages)) {
    const locale = canonicalLocale(key);
    if (locale === undefined) continue;
    const twin = seen.get(locale);
    if (twin !== undefined)
      failures.push({ field: `languages.${key}`, message: `The same language as ${twin}.` });
    seen.set(locale, key);
  }
  const options = optionsOf(input.variations?.options ?? [], language, failures);
  const variants = (input.variations?.variants ?? []).map((variant, index) => {
    const at = `variations.variants[${index}]`;
    return defined({
      options: variantOptionsOf(variant, at, input.variations?.options ?? [], language, failures),
      prices: variant.pricing_model?.map((price) => ({ currency: price.currency, amount: price.price })),
      inventory: { quantity: variant.stock ?? 0, tracked: !(variant.unlimited_stock ?? false) },
      visible: variant.shown,
      image_ids: variant.gallery?.map((id) => ourId("img", id)),
    });
  });
  if (failures.length > 0) throw invalidData(failures);

  const texts = input.languages[language];
  const localizations = Object.entries(input.languages).filter(([key]) => key !== language);
  const tracking = unlimited ? "none" : variants.length > 0 ? "variant" : "product";
  const v1 = defined({
    name: texts?.title,
    description: texts?.description,
    slug: texts?.slug,
    seo: { title: texts?.seo_title ?? null, description: texts?.seo_description ?? null },
    default_locale: language,
    localizations: Object.fromEntries(
      localizations.map(([key, entry]) => [
        key,
        defined({
          name: entry.title,
          description: entry.description,
          slug: entry.slug,
          seo: { title: entry.seo_title ?? null, description: entry.seo_description ?? null },
        }),
      ]),
    ),
    type: "service",
    tax_category: input.tax_category,
    tax_behavior: input.tax_calculation,
    prices: input.pricing_model?.map((price) => ({
      currency: price.currency,
      amount: price.price,
      // Tamio answers 0 for none; a compare-at price of 0 is none.
      compare_at_amount: price.recommended_seller_price || null,
      cost_amount: price.acquisition_price ?? null,
    })),
    inventory: defined({
      tracking,
      quantity: input.stock,
      low_stock_threshold: input.stock_limit_warning,
      allow_backorder: input.allow_negative_stock,
      min_order_quantity: input.min_units ?? undefined,
      max_order_quantity: input.max_units,
    }),
    buyable: input.buyable,
    on_sale: input.on_sale,
    discountable: input.discount_allowed,
    reviews_allowed: input.reviews_allowed,
    visible: input.shown,
    exclude_from_feeds: input.exclude_from_feed,
    new_from: dateOf(input.new_from),
    new_to: dateOf(input.new_to),
    available_from: dateOf(input.release_date),
    available_to: dateOf(input.expiry_date),
    related_product_ids: input.related_products === undefined ? undefined : related,
    allowed_countries: input.whitelist,
    attributes: input.custom_attributes?.map((attribute) =>
      defined({ name: attribute.name, value: attribute.value, locale: attribute.language }),
    ),
    custom_fields: input.custom_fields?.map((field) =>
      defined({
        name: field.name,
        type: field.type === "date picker" ? "date_picker" : field.type,
        values: field.values,
        range_from: dateOf(field.range_from),
        range_to: dateOf(field.range_to),
        locale: field.language,
      }),
    ),
    options: input.variations?.options === undefined ? undefined : options,
    variants: input.variations?.variants === undefined ? undefined : variants,
    variant_pricing:
      input.variations?.delta_pricing === undefined
        ? undefined
        : input.variations.delta_pricing
          ? "delta"
          : "absolute",
  });
  return { input: v1, names: tamioNames(language) };
}
