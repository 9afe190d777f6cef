import { amountFromMarkup, MAX_AMOUNT } from "../lib/currencies";
import { lastMillisecondOf, parseDateOrDateTime } from "../lib/dates";
import type { Failure } from "../lib/errors";
import { normalizeGtin } from "../lib/gtin";
import { canonicalLocale } from "../lib/locale";
import type { ProductInput } from "./products.input";
import type { Localization, Price, ProductFields } from "./products.stored";
import { resolveVariants } from "./products.variants";

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

/** A shippable product is a physical one. */
function shippableRule(input: ProductInput, failures: Failure[]) {
  if (input.shippable === true && input.type !== "physical") {
    failures.push({ field: "shippable", message: `A ${input.type} product cannot be shippable.` });
  }
}

/**
 * One price per currency, stored in upper case; an amount is sent, or derived from cost and
 * markup, and a sent one agrees with them. Returns the prices and the currencies they are in.
 */
function resolvePrices(input: ProductInput, failures: Failure[]): { prices: Price[]; seen: Set<string> } {
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
  return { prices, seen };
}

/** default_currency is the currency of one of the prices; returned in upper case. */
function defaultCurrencyRule(
  input: ProductInput,
  seen: Set<string>,
  failures: Failure[],
): string | undefined {
  const defaultCurrency = input.default_currency?.toUpperCase();
  if (defaultCurrency !== undefined && !seen.has(defaultCurrency)) {
    failures.push({ field: "default_currency", message: "Must be the currency of one of prices." });
  }
  return defaultCurrency;
}

/** Each window (availability, novelty) ends no earlier than it starts. */
function windowRules(input: ProductInput, failures: Failure[]) {
  for (const [from, to] of WINDOWS) {
    const start = input[from] === null ? undefined : parseDateOrDateTime(input[from]);
    const end = input[to] === null ? undefined : lastMillisecondOf(input[to]);
    if (start !== undefined && end !== undefined && start > end) {
      failures.push({ field: to, message: `Must not be before ${from}.` });
    }
  }
}

/** Stock below 0 only with backorders; the order quantity range is a range. */
function inventoryRules(input: ProductInput, failures: Failure[]) {
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
}

/**
 * Localizations by canonical locale, each locale once; the default locale's entry is the product's
 * own fields (`own`), the others are kept.
 */
function resolveLocalizations(input: ProductInput, failures: Failure[]) {
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
  return { own, localizations };
}

/** Choice fields have values, others none; a date picker has a range that is one. */
function customFieldRules(input: ProductInput, failures: Failure[]) {
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
}

/** Applies the rules that span fields, one function each, in this order; returns the stored fields or the failures. */
export function resolveProductFields(
  input: ProductInput,
  previous?: Pick<ProductFields, "variants" | "shippable" | "default_currency">,
): { fields: ProductFields } | { failures: Failure[] } {
  const failures: Failure[] = [];
  shippableRule(input, failures);
  const { prices, seen } = resolvePrices(input, failures);
  const defaultCurrency = defaultCurrencyRule(input, seen, failures);
  windowRules(input, failures);
  inventoryRules(input, failures);
  const { own, localizations } = resolveLocalizations(input, failures);
  customFieldRules(input, failures);
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

/** The availability and novelty windows: `from` ≤ `to`, each end optional. */
const WINDOWS = [
  ["available_from", "available_to"],
  ["new_from", "new_to"],
] as const;
