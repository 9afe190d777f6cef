import { amountFromMarkup, MAX_AMOUNT } from "../lib/currencies";
import type { Failure } from "../lib/errors";
import { gtinKey, normalizeGtin } from "../lib/gtin";
import { newId } from "../lib/ids";
import { canonicalLocale } from "../lib/locale";
import { lastMillisecondOf, parseDateOrDateTime } from "../shared/schemas";
import type { ProductInput } from "./products.input";
import type { Localization, Price, ProductFields, StoredVariant } from "./products.stored";

// The rules that span fields of a write (the contract's cross-field rules): from a validated input
// and the current stored fields to the fields to store, or the failures, naming each field.

/**
 * Whether a sent `shippable` or `default_currency` stays unset, following its default: when it was
 * not sent, or when the product being updated followed the default and the value sent is the
 * default (a client sending back what it read changes nothing; the field keeps following it).
 */
function keepsDefault<T>(sent: T | undefined, byDefault: T | undefined, followedDefault: boolean) {
  return sent === undefined || (followedDefault && sent === byDefault);
}

/** Applies the rules that span fields; returns the stored fields or the failures. */
export function resolveProductFields(
  input: ProductInput,
  previous?: Pick<ProductFields, "variants" | "shippable" | "default_currency">,
): { fields: ProductFields } | { failures: Failure[] } {
  const failures: Failure[] = [];

  if (input.shippable === true && input.type !== "physical") {
    failures.push({ field: "shippable", message: `A ${input.type} product cannot be shippable.` });
  }

  const seen = new Set<string>();
  const prices: Price[] = input.prices.map((price, index) => {
    const currency = price.currency.toUpperCase();
    if (seen.has(currency)) {
      failures.push({
        field: `prices[${index}].currency`,
        message: `Only one price per currency ('${currency}').`,
      });
    }
    seen.add(currency);
    const cost = price.cost_amount ?? null;
    const markup = price.markup_percent ?? null;
    const derived = cost !== null && markup !== null ? amountFromMarkup(cost, markup) : null;
    let amount = price.amount;
    if (amount === undefined) {
      if (derived === null) {
        failures.push({
          field: `prices[${index}].amount`,
          message: "Required, unless cost_amount and markup_percent are both given.",
        });
      } else if (derived > MAX_AMOUNT || derived < 0) {
        failures.push({
          field: `prices[${index}].amount`,
          message: `The derived amount ${derived} is out of range.`,
        });
      }
      amount = derived ?? 0;
    } else if (derived !== null && derived !== amount) {
      failures.push({
        field: `prices[${index}].amount`,
        message: `Does not match cost_amount × (100 + markup_percent) / 100 = ${derived}.`,
      });
    }
    return {
      currency,
      amount,
      compare_at_amount: price.compare_at_amount ?? null,
      cost_amount: cost,
      markup_percent: markup,
    };
  });

  const defaultCurrency = input.default_currency?.toUpperCase();
  if (defaultCurrency !== undefined && !seen.has(defaultCurrency)) {
    failures.push({ field: "default_currency", message: "Must be the currency of one of prices." });
  }

  for (const [from, to] of WINDOWS) {
    const start = input[from] === null ? undefined : parseDateOrDateTime(input[from]);
    const end = input[to] === null ? undefined : lastMillisecondOf(input[to]);
    if (start !== undefined && end !== undefined && start > end) {
      failures.push({ field: to, message: `Must not be before ${from}.` });
    }
  }

  const inventory = input.inventory;
  if (inventory.quantity < 0 && !inventory.allow_backorder) {
    failures.push({ field: "inventory.quantity", message: "Below 0 only with allow_backorder." });
  }
  if (inventory.max_order_quantity !== null && inventory.max_order_quantity < inventory.min_order_quantity) {
    failures.push({
      field: "inventory.max_order_quantity",
      message: "Must not be below min_order_quantity.",
    });
  }

  // Localizations by canonical locale; the default locale's entry is the product's own fields.
  let own = { name: input.name, description: input.description, slug: input.slug ?? null, seo: input.seo };
  const localizations: Record<string, Localization> = {};
  const seenLocales = new Set<string>();
  for (const [key, entry] of Object.entries(input.localizations)) {
    const locale = canonicalLocale(key);
    const field = `localizations.${key}`;
    if (locale === undefined) {
      failures.push({ field, message: "Not a BCP 47 language tag." });
    } else if (seenLocales.has(locale)) {
      failures.push({ field, message: `Another key is also the locale ${locale}.` });
    } else if (locale === input.default_locale) {
      own = { ...entry, slug: entry.slug ?? own.slug };
    } else {
      localizations[locale] = { ...entry, slug: entry.slug ?? null };
    }
    if (locale !== undefined) seenLocales.add(locale);
  }

  input.custom_fields.forEach((field, index) => {
    const at = `custom_fields[${index}]`;
    const choices = field.type === "checkboxes" || field.type === "size";
    if (choices && field.values === undefined) {
      failures.push({ field: `${at}.values`, message: `Required for a ${field.type} field.` });
    }
    if (!choices && field.values !== undefined) {
      failures.push({ field: `${at}.values`, message: "Only checkboxes and size fields have values." });
    }
    if (field.type === "date_picker") {
      if (field.range_from === undefined || field.range_to === undefined) {
        const missing = field.range_from === undefined ? "range_from" : "range_to";
        failures.push({ field: `${at}.${missing}`, message: "Required for a date_picker field." });
      } else if ((parseDateOrDateTime(field.range_from) ?? 0) > (lastMillisecondOf(field.range_to) ?? 0)) {
        failures.push({ field: `${at}.range_to`, message: "Must not be before range_from." });
      }
    } else {
      for (const range of ["range_from", "range_to"] as const) {
        if (field[range] !== undefined) {
          failures.push({ field: `${at}.${range}`, message: "Only date_picker fields have a range." });
        }
      }
    }
  });

  const variants = resolveVariants(input, prices, previous?.variants ?? [], failures);

  if (failures.length > 0) return { failures };
  const { shippable, default_currency: _, image_urls: __, ...rest } = input;
  const followsDefault = (field: "shippable" | "default_currency") =>
    previous !== undefined && previous[field] === undefined;
  return {
    fields: {
      ...rest,
      ...own,
      localizations,
      ...(keepsDefault(shippable, input.type === "physical", followsDefault("shippable"))
        ? {}
        : { shippable }),
      ...(keepsDefault(defaultCurrency, prices[0]?.currency, followsDefault("default_currency"))
        ? {}
        : { default_currency: defaultCurrency }),
      gtin: input.gtin === null ? null : (normalizeGtin(input.gtin) as { gtin: string }).gtin,
      prices,
      tags: [...new Set(input.tags)],
      agent_ids: [...new Set(input.agent_ids)],
      allowed_countries: [...new Set(input.allowed_countries)],
      related_product_ids: [...new Set(input.related_product_ids)],
      variants,
    },
  };
}

/** What makes a variant the same across writes: its option values, in the options' order. */
const combination = (options: Record<string, string>, names: string[]) =>
  JSON.stringify(names.map((name) => optionValue(options, name)));

/** A variant's value for an option: its own key only (an option named `__proto__` or `toString` is no way in). */
const optionValue = (options: Record<string, string>, name: string) =>
  Object.hasOwn(options, name) ? options[name] : undefined;

/**
 * The rules of options and variants (the contract, Options and variants); failures are pushed. Variants
 * keep the id they had in `previous` while their combination stays; new combinations get new ids.
 */
function resolveVariants(
  input: ProductInput,
  prices: Price[],
  previous: StoredVariant[],
  failures: Failure[],
): StoredVariant[] {
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

/** The availability and novelty windows: `from` ≤ `to`, each end optional. */
const WINDOWS = [
  ["available_from", "available_to"],
  ["new_from", "new_to"],
] as const;
