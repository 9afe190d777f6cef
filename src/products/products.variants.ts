import type { Failure } from "../lib/errors";
import { gtinKey, normalizeGtin } from "../lib/gtin";
import { newId } from "../lib/ids";
import { canonicalLocale } from "../lib/locale";
import type { ProductInput } from "./products.input";
import type { Price, StoredVariant } from "./products.stored";

// The rules of options and variants (the contract, Options and variants), the part of
// resolveProductFields (products.rules.ts) that needs the options, the prices and the variants as
// stored before.

/** What makes a variant the same across writes: its option values, in the options' order. */
const combination = (options: Record<string, string>, names: string[]) =>
  JSON.stringify(names.map((name) => optionValue(options, name)));

/** A variant's value for an option: its own key only (an option named `__proto__` or `toString` is no way in). */
const optionValue = (options: Record<string, string>, name: string) =>
  Object.hasOwn(options, name) ? options[name] : undefined;

/**
 * Option names once each, values once per option, and localizations with as many values, keyed by
 * canonical locale (in place: the stored options have them so).
 */
function resolveOptions(input: ProductInput, failures: Failure[]) {
  const names = input.options.map((option) => option.name);
  input.options.forEach((option, index) => {
    if (names.indexOf(option.name) !== index) {
      failures.push({ field: `options[${index}].name`, message: `Another option is also '${option.name}'.` });
    }
    option.values.forEach((value, valueIndex) => {
      if (option.values.indexOf(value) !== valueIndex) {
        failures.push({
          field: `options[${index}].values[${valueIndex}]`,
          message: `'${value}' is listed twice.`,
        });
      }
    });
    // Keyed by canonical locale, as the product's localizations are.
    const localizations: typeof option.localizations = {};
    for (const [key, localization] of Object.entries(option.localizations)) {
      const locale = canonicalLocale(key);
      const field = `options[${index}].localizations.${key}`;
      if (locale === undefined) {
        failures.push({ field, message: "Not a BCP 47 language tag." });
      } else if (Object.hasOwn(localizations, locale)) {
        failures.push({ field, message: `Another key is also the locale ${locale}.` });
      } else {
        localizations[locale] = localization;
      }
      if (localization.values.length !== option.values.length) {
        failures.push({
          field: `${field}.values`,
          message: `Must translate the ${option.values.length} values in order.`,
        });
      }
    }
    option.localizations = localizations;
  });
}

/**
 * The rules of options and variants (the contract, Options and variants); failures are pushed. Variants
 * keep the id they had in `previous` while their combination stays; new combinations get new ids.
 */
export function resolveVariants(
  input: ProductInput,
  prices: Price[],
  previous: StoredVariant[],
  failures: Failure[],
): StoredVariant[] {
  const names = input.options.map((option) => option.name);
  resolveOptions(input, failures);
  if (input.variants.length > 0 && names.length === 0) {
    failures.push({ field: "variants", message: "Variants need options to tell them apart." });
    return [];
  }

  const productPrice = new Map(prices.map((price) => [price.currency, price.amount]));
  const identifiers = new Map<string, string>();
  if (input.sku !== null) identifiers.set(`sku:${input.sku}`, "sku");
  // GTINs compare in their 14-digit form, as the unique index does.
  if (input.gtin !== null) identifiers.set(`gtin:${gtinKey(normalizedGtin(input.gtin))}`, "gtin");
  const seen = new Map<string, number>();
  const previousIds = new Map(previous.map((variant) => [combination(variant.options, names), variant.id]));

  return input.variants.map((variant, index) => {
    const at = `variants[${index}]`;
    for (const name of names) {
      const value = optionValue(variant.options, name);
      const option = input.options[names.indexOf(name)];
      if (value === undefined)
        failures.push({ field: `${at}.options.${name}`, message: "Required: a value of this option." });
      else if (!option?.values.includes(value)) {
        failures.push({
          field: `${at}.options.${name}`,
          message: `'${value}' is not one of the option's values.`,
        });
      }
    }
    for (const key of Object.keys(variant.options)) {
      if (!names.includes(key))
        failures.push({ field: `${at}.options.${key}`, message: `No option '${key}'.` });
    }
    const key = combination(variant.options, names);
    const twin = seen.get(key);
    if (twin !== undefined) {
      failures.push({ field: `${at}.options`, message: `The same options as variants[${twin}].` });
    }
    seen.set(key, index);

    for (const [kind, value] of [
      ["sku", variant.sku],
      ["gtin", variant.gtin === null ? null : gtinKey(normalizedGtin(variant.gtin))],
    ] as const) {
      if (value === null) continue;
      const holder = identifiers.get(`${kind}:${value}`);
      if (holder !== undefined)
        failures.push({ field: `${at}.${kind}`, message: `The same ${kind} as ${holder}.` });
      identifiers.set(`${kind}:${value}`, `${at}.${kind}`);
    }

    const currencies = new Set<string>();
    const variantPrices = variant.prices.map((price, priceIndex) => {
      const field = `${at}.prices[${priceIndex}]`;
      const currency = price.currency.toUpperCase();
      if (currencies.has(currency))
        failures.push({
          field: `${field}.currency`,
          message: `Only one price per currency ('${currency}').`,
        });
      currencies.add(currency);
      if (input.variant_pricing === "absolute" && price.amount < 0) {
        failures.push({ field: `${field}.amount`, message: "Must be at least 0 with absolute pricing." });
      }
      if (input.variant_pricing === "delta") {
        const base = productPrice.get(currency);
        if (base === undefined) {
          failures.push({
            field: `${field}.currency`,
            message: `Delta pricing needs the product's ${currency} price.`,
          });
        } else if (base + price.amount < 0) {
          failures.push({ field: `${field}.amount`, message: `The product's ${base} plus this is below 0.` });
        }
      }
      return { currency, amount: price.amount };
    });

    return {
      id: previousIds.get(key) ?? newId("var"),
      options: Object.fromEntries(names.map((name) => [name, optionValue(variant.options, name) as string])),
      sku: variant.sku,
      gtin: variant.gtin === null ? null : normalizedGtin(variant.gtin),
      prices: variantPrices,
      inventory: variant.inventory,
      visible: variant.visible,
      image_ids: [...new Set(variant.image_ids)],
    };
  });
}

const normalizedGtin = (gtin: string) => (normalizeGtin(gtin) as { gtin: string }).gtin;
