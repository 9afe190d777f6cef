import fc from "fast-check";
import { expect } from "vitest";
import { canonicalIdentifier } from "../../../src/lib/identifiers";
import { api, createKey, createOrg } from "../../helpers";

// The client (an org per run, keys rotated before the rate limit), the reference data and the model
// of the product resource: what the contract says a product reads as, given the body that wrote it.

export type Body = Record<string, unknown>;
export type Product = Body & { id: string; version: number; variants: Body[]; localizations: Body };

export const RUNS = 40;
/**
 * Runs per property, and a cap on each property's time: a failing property stops shrinking at the
 * cap and reports the smallest counterexample found by then (with its seed and path).
 */
export const PARAMETERS = { numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(15_000)] };
/** vitest's limit per property: its runs, and shrinking a failure up to the cap above. */
export const TIMEOUT = 30_000;
export const KEY_BUDGET = 90;
export const MAX_AMOUNT = 999_999_999_999;
export const MAX_QUANTITY = 1_000_000_000;
export const PROPS_MAX_BYTES = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// Client: one org per run, keys rotated before the rate limit.

export class Org {
  private key = "";
  private used = 0;
  readonly helpers: string[] = [];
  private constructor(readonly id: string) {}

  static async create(): Promise<Org> {
    const org = new Org(await createOrg("property run"));
    await org.rotate();
    return org;
  }

  private async rotate() {
    this.key = (await createKey([this.id])).key;
    this.used = 0;
  }

  async request(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    if (this.used >= KEY_BUDGET) await this.rotate();
    this.used++;
    const response = await api(path, { ...init, key: this.key });
    if (response.status === 429)
      throw new Error(`429 on ${init.method ?? "GET"} ${path}: the key pool is wrong`);
    return response;
  }

  post = (body: unknown) => this.request("/v1/products", { method: "POST", body });
  get = (id: string) => this.request(`/v1/products/${id}`);
  put = (id: string, body: unknown) => this.request(`/v1/products/${id}`, { method: "PUT", body });
  patch = (id: string, body: unknown) =>
    this.request(`/v1/products/${id}`, {
      method: "PATCH",
      body,
      headers: { "Content-Type": "application/merge-patch+json" },
    });

  async list(): Promise<Product[]> {
    const response = await this.request("/v1/products?limit=100");
    return ((await json(response, 200)) as unknown as { data: Product[] }).data;
  }

  /** Creates the helper products the body's related_product_ids placeholders (`@0`, `@1`) name. */
  async resolveRelated(body: Body): Promise<Body> {
    const related = body.related_product_ids;
    if (!Array.isArray(related)) return body;
    const ids: string[] = [];
    for (const placeholder of related) {
      const index = Number(String(placeholder).slice(1));
      while (this.helpers.length <= index) {
        const helper = await json(
          await this.post({
            name: "Helper",
            slug: `zz-helper-${this.helpers.length}-${this.id.slice(-10).toLowerCase()}`,
          }),
          201,
        );
        this.helpers.push(helper.id);
      }
      ids.push(this.helpers[index] as string);
    }
    return { ...body, related_product_ids: ids };
  }
}

export async function json(response: Response, status: number): Promise<Product> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as Product;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

export const isObject = (value: unknown): value is Body =>
  typeof value === "object" && value !== null && !Array.isArray(value);
export const asBody = (value: unknown): Body => (isObject(value) ? value : {});
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const codePoints = (value: string) => [...value].length;
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** What the server receives: the JSON text of the body (no undefined, no -0). */
export const wire = (value: unknown): Body => clone(asBody(value));
export const unique = <T>(values: T[]) => [...new Set(values)];
export const pick = (product: Body, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((field) => field in product).map((field) => [field, product[field]]));

/** RFC 7396 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Body = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Nesting depth as the contract counts it for props: the object itself is level 1. */
export function depth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depth));
}
export const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** Read-only fields a write leaves as they were. */
export const READ_ONLY_KEPT = ["id", "object", "org_id", "created_at", "created_by", "images", "in_stock"];

/** The writable fields of the read representation (the contract's field table). */
export const WRITABLE = [
  "name",
  "description",
  "status",
  "type",
  "shippable",
  "schedule_appointment",
  "sku",
  "gtin",
  "tax_category",
  "tax_behavior",
  "prices",
  "default_currency",
  "features",
  "tags",
  "props",
  "agent_ids",
  "slug",
  "seo",
  "default_locale",
  "localizations",
  "visible",
  "buyable",
  "on_sale",
  "discountable",
  "reviews_allowed",
  "exclude_from_feeds",
  "available_from",
  "available_to",
  "new_from",
  "new_to",
  "attributes",
  "custom_fields",
  "allowed_countries",
  "destination",
  "related_product_ids",
  "options",
  "variants",
  "variant_pricing",
  "inventory",
] as const;

export const FLAGS = [
  "visible",
  "buyable",
  "on_sale",
  "discountable",
  "reviews_allowed",
  "exclude_from_feeds",
] as const;
export const WINDOWS = [
  ["available_from", "available_to"],
  ["new_from", "new_to"],
] as const;
export const INVENTORY_KEYS = [
  "tracking",
  "quantity",
  "low_stock_threshold",
  "allow_backorder",
  "min_order_quantity",
  "max_order_quantity",
] as const;

/** The writable fields of a product as read, variants without their computed in_stock. */
export function writable(product: Body): Body {
  const fields = pick(product, WRITABLE);
  fields.variants = asList(fields.variants).map((variant) => {
    const { in_stock: _, ...rest } = asBody(variant);
    return rest;
  });
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Reference data: real ISO 4217 currencies (GET /v1/currencies lists them; checked in beforeAll),
// ISO 3166-1 countries, and BCP 47 tags as a client may spell them with their canonical form.

// biome-ignore format: a table reads better in rows
export const CURRENCIES = [
  "EUR", "USD", "JPY", "GBP", "CHF", "BHD", "KWD", "JOD", "CLF", "UYW", "SEK", "NOK", "DKK", "PLN",
  "CZK", "HUF", "BRL", "MXN", "CAD", "AUD", "NZD", "ZAR", "INR", "CNY", "HKD", "SGD", "KRW", "VND",
  "XOF", "XAF", "XPF", "ISK", "CLP", "PYG", "UGX", "RWF", "TND", "OMR", "LYD", "IQD", "AED", "SAR",
  "QAR", "EGP", "MAD", "NGN", "KES", "GHS", "TRY", "ILS", "THB", "MYR", "IDR", "PHP", "TWD", "ARS",
];
// biome-ignore format: a table reads better in rows
export const COUNTRIES = [
  "DE", "AT", "CH", "FR", "IT", "ES", "PT", "NL", "BE", "LU", "DK", "SE", "NO", "FI", "IS", "IE",
  "GB", "US", "CA", "MX", "BR", "AR", "CL", "JP", "KR", "CN", "TW", "HK", "SG", "IN", "AU", "NZ",
  "ZA", "NG", "KE", "EG", "MA", "TR", "IL", "AE", "SA", "QA", "PL", "CZ", "SK", "HU", "RO", "BG",
  "GR", "HR", "SI", "EE", "LV", "LT", "UA", "AQ", "BV", "PS", "EH", "SJ",
];
/** [as a client sends it, canonical]: the canonical form is what the contract stores. */
export const LOCALES: [string, string][] = [
  ["en", "en"],
  ["EN", "en"],
  ["de", "de"],
  ["de-de", "de-DE"],
  ["pt-br", "pt-BR"],
  ["pt-BR", "pt-BR"],
  ["fr", "fr"],
  ["FR-ca", "fr-CA"],
  ["zh-hant-tw", "zh-Hant-TW"],
  ["es-419", "es-419"],
  ["SR-LATN", "sr-Latn"],
  ["en-gb", "en-GB"],
  ["ja", "ja"],
  ["sv-se", "sv-SE"],
  ["it", "it"],
];

/**
 * BCP 47 canonical casing (RFC 5646 §2.1.1): language lower-case, script title-case, region
 * upper-case. The tags generated here have no deprecated subtags, so no alias mapping applies.
 */
export function canonicalLocale(tag: string): string {
  return tag
    .split("-")
    .map((subtag, index) => {
      if (index === 0) return subtag.toLowerCase();
      if (/^[a-z]{4}$/i.test(subtag)) return subtag[0]?.toUpperCase() + subtag.slice(1).toLowerCase();
      if (/^([a-z]{2}|\d{3})$/i.test(subtag)) return subtag.toUpperCase();
      return subtag.toLowerCase();
    })
    .join("-");
}

/** GS1 check digit of the digits before it. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(body[i]) * weight;
  return (10 - (sum % 10)) % 10;
}
/** the contract: "digits (spaces and hyphens stripped)". */
export const gtinDigits = (gtin: string) => gtin.replace(/[\s-]/g, "");

/** round(cost × (100 + markup) / 100), half away from zero, exactly (markup has ≤ 4 decimals). */
export function derivedAmount(cost: number, markupTenThousandths: number): bigint {
  const numerator = BigInt(cost) * BigInt(1_000_000 + markupTenThousandths);
  const denominator = 1_000_000n;
  return (numerator * 2n + denominator) / (denominator * 2n);
}
export const markupUnits = (markup: number) => Math.round(markup * 10_000);

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A slug generated from a name (the contract, Slugs): accents folded, lower-cased, every run of other
 * characters one `-`, trimmed, cut to 256 at a word boundary; no [a-z0-9] left: product-<id tail>.
 * Exact for ASCII names; for other names the folding table is the server's business, so only the
 * slug's shape is checked.
 */
export function generatedSlug(name: string, productId: string): unknown {
  if (!/^[\x20-\x7e]*$/.test(name)) {
    return expect.toSatisfy(
      (slug: unknown) => typeof slug === "string" && SLUG.test(slug) && slug.length <= 256,
      `a generated slug for ${JSON.stringify(name)}`,
    );
  }
  const words = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  if (words === "") return `product-${productId.slice(-10).toLowerCase()}`;
  if (words.length <= 256) return words;
  if (words[256] === "-") return words.slice(0, 256);
  const boundary = words.lastIndexOf("-", 256);
  return boundary > 0 ? words.slice(0, boundary) : words.slice(0, 256);
}

// ---------------------------------------------------------------------------------------------
// The model: what the contract says a product reads as, given the body that wrote it.

export type Variant = Body & { id: string; options: Record<string, string> };

/**
 * What a missing slug becomes on a write: on an update, a locale keeps its current slug when the
 * name gives it (`name`, `name-N`, `name-<the id's last 8>`); else the one generated from the name.
 */
export function missingSlug(name: string, productId: string, current: unknown): unknown {
  const generated = generatedSlug(name, productId);
  if (typeof current !== "string" || typeof generated !== "string") return generated;
  const suffix = current.startsWith(`${generated}-`) ? current.slice(generated.length + 1) : undefined;
  const givenByName =
    current === generated ||
    (suffix !== undefined &&
      (/^([2-9]|[1-9][0-9]+)$/.test(suffix) || suffix === productId.slice(-8).toLowerCase()));
  return givenByName ? current : generated;
}

/**
 * The writable fields a product must read back as after a create or replace with `sent` (or a
 * merge patch whose merged document is `sent`). `previous`: the variants before the write;
 * `before`: the product before the write, for the slugs it keeps.
 */
export function expected(
  sentBody: Body,
  productId: string,
  previous: Variant[] = [],
  before?: Product,
): Body {
  const sent = wire(sentBody);
  const str = (value: unknown) => value as string;
  const orNull = (value: unknown) => (value === undefined ? null : value);
  const seo = (value: unknown) => {
    // seo: null or absent is both fields null; an absent field is null.
    const given = asBody(value);
    return { title: orNull(given.title), description: orNull(given.description) };
  };

  const type = str(sent.type ?? "physical");
  const defaultLocale = canonicalLocale(str(sent.default_locale ?? "en"));

  // prices (the contract): currency case-insensitive in, upper-case out; an absent amount is
  // round(cost × (100 + markup) / 100), half away from zero; absent extras are null.
  const prices = asList(sent.prices).map((entry) => {
    const price = asBody(entry);
    const cost = orNull(price.cost_amount) as number | null;
    const markup = orNull(price.markup_percent) as number | null;
    return {
      currency: str(price.currency).toUpperCase(),
      amount: price.amount ?? Number(derivedAmount(cost as number, markupUnits(markup as number))),
      compare_at_amount: orNull(price.compare_at_amount),
      cost_amount: cost,
      markup_percent: markup,
    };
  });

  // name (the contract): trimmed; a localization's name likewise (the contract does not say so for those).
  // localizations (the contract): the default_locale entry, if sent, is the product's own fields (its
  // slug, if sent, is the product slug); keys are locales, stored canonical as default_locale is.
  let own: Body = {
    name: str(sent.name).trim(),
    description: orNull(sent.description),
    slug: orNull(sent.slug),
    seo: seo(sent.seo),
  };
  const localizations: Body = {};
  for (const [key, value] of Object.entries(asBody(sent.localizations))) {
    const entry = asBody(value);
    const localization = {
      name: str(entry.name).trim(),
      description: orNull(entry.description),
      slug: orNull(entry.slug),
      seo: seo(entry.seo),
    };
    const locale = canonicalLocale(key);
    if (locale === defaultLocale) own = { ...localization, slug: localization.slug ?? own.slug };
    else localizations[locale] = localization;
  }
  // slug (the contract, Slugs): a missing one is generated from the name it belongs to.
  const currentSlug = (locale: string) =>
    before === undefined
      ? undefined
      : locale === before.default_locale
        ? before.slug
        : asBody(asBody(before.localizations)[locale]).slug;
  if (own.slug === null) own.slug = missingSlug(str(own.name), productId, currentSlug(defaultLocale));
  for (const [locale, localization] of Object.entries(localizations) as [string, Body][]) {
    if (localization.slug === null)
      localization.slug = missingSlug(str(localization.name), productId, currentSlug(locale));
  }

  const inventory = { ...(asBody(sent.inventory) as object) };
  const options = asList(sent.options).map((entry) => {
    const option = asBody(entry);
    // display defaults to dropdown (the contract). Names and values are identifiers (trimmed, NFC),
    // their localizations' trimmed, and localization keys kept as sent: the contract is silent on
    // those (the server does this).
    return {
      name: canonicalIdentifier(str(option.name)),
      values: asList(option.values).map((value) => canonicalIdentifier(str(value))),
      display: option.display ?? "dropdown",
      localizations: Object.fromEntries(
        Object.entries(asBody(option.localizations)).map(([locale, value]) => {
          const localization = asBody(value);
          return [
            locale,
            {
              name: str(localization.name).trim(),
              values: asList(localization.values).map((item) => str(item).trim()),
            },
          ];
        }),
      ),
    };
  });
  const names = options.map((option) => option.name);
  const sameOptions = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const variants = asList(sent.variants).map((entry) => {
    const variant = asBody(entry);
    // Option names and values compare as identifiers: trimmed, NFC.
    const chosen = Object.fromEntries(
      Object.entries(asBody(variant.options)).map(([name, value]) => [
        canonicalIdentifier(name),
        canonicalIdentifier(str(value)),
      ]),
    );
    const variantOptions = Object.fromEntries(names.map((name) => [name, chosen[name] as string]));
    // A variant keeps its id while its option combination stays; a new one gets a new var_ id
    // (the contract). Its gtin is digits only, like the product's; its price currencies upper-case;
    // image_ids deduplicated (the contract is silent on that); absent fields take their defaults.
    const kept = previous.find((before) => sameOptions(before.options, variantOptions));
    const stock =
      variant.inventory === undefined || variant.inventory === null ? null : asBody(variant.inventory);
    return {
      id: kept ? kept.id : expect.stringMatching(/^var_[0-9A-Z]{26}$/),
      options: variantOptions,
      sku: variant.sku === undefined || variant.sku === null ? null : canonicalIdentifier(str(variant.sku)),
      gtin: variant.gtin === undefined || variant.gtin === null ? null : gtinDigits(str(variant.gtin)),
      prices: asList(variant.prices).map((price) => ({
        currency: str(asBody(price).currency).toUpperCase(),
        amount: asBody(price).amount,
      })),
      inventory:
        stock === null
          ? null
          : {
              quantity: stock.quantity ?? 0,
              allow_backorder: stock.allow_backorder ?? false,
              tracked: stock.tracked ?? true,
            },
      visible: variant.visible ?? true,
      image_ids: unique(asList(variant.image_ids)),
    };
  });

  return {
    ...own,
    status: sent.status ?? "active",
    type,
    // shippable (the contract): default true for physical products (and false for the others).
    shippable: sent.shippable ?? type === "physical",
    schedule_appointment: sent.schedule_appointment ?? false,
    // Identifiers (sku, tags, agent_ids): trimmed and NFC, so what looks the same is the same.
    sku: sent.sku === undefined || sent.sku === null ? null : canonicalIdentifier(str(sent.sku)),
    // gtin (the contract): spaces and hyphens stripped.
    gtin: sent.gtin === undefined || sent.gtin === null ? null : gtinDigits(str(sent.gtin)),
    tax_category: orNull(sent.tax_category),
    tax_behavior: sent.tax_behavior ?? "exclusive",
    prices,
    // default_currency (the contract): a currency, so upper-case out; the first price's when not set.
    default_currency:
      sent.default_currency === undefined || sent.default_currency === null
        ? (prices[0]?.currency ?? null)
        : str(sent.default_currency).toUpperCase(),
    features: sent.features ?? [],
    // tags: deduplicated (the contract), first occurrence kept; trimmed (the contract is silent on that).
    tags: unique(asList(sent.tags).map((tag) => canonicalIdentifier(str(tag)))),
    props: sent.props ?? {},
    // agent_ids: deduplicated (the contract is silent on that; the server does it).
    agent_ids: unique(asList(sent.agent_ids).map((agent) => canonicalIdentifier(str(agent)))),
    default_locale: defaultLocale,
    localizations,
    ...Object.fromEntries(
      FLAGS.map((flag) => [
        flag,
        sent[flag] ?? (flag === "visible" || flag === "buyable" || flag === "discountable"),
      ]),
    ),
    // Dates and date-times are kept as sent (the contract names no normal form for them).
    available_from: orNull(sent.available_from),
    available_to: orNull(sent.available_to),
    new_from: orNull(sent.new_from),
    new_to: orNull(sent.new_to),
    // Attribute and custom field locales: canonical tags, as default_locale.
    attributes: asList(sent.attributes).map((entry) => {
      const attribute = asBody(entry);
      return attribute.locale === undefined
        ? attribute
        : { ...attribute, locale: canonicalLocale(str(attribute.locale)) };
    }),
    custom_fields: asList(sent.custom_fields).map((entry) => {
      const field = asBody(entry);
      return field.locale === undefined ? field : { ...field, locale: canonicalLocale(str(field.locale)) };
    }),
    // allowed_countries: upper-case out, deduplicated (the contract is silent on both; the server's
    // OpenAPI description says so).
    allowed_countries: unique(asList(sent.allowed_countries).map((code) => str(code).toUpperCase())),
    destination: orNull(sent.destination),
    // related_product_ids: deduplicated (the contract is silent; the OpenAPI description says so).
    related_product_ids: unique(asList(sent.related_product_ids)),
    options,
    variants,
    variant_pricing: sent.variant_pricing ?? "absolute",
    // inventory: every key absent takes its default (the contract: tracking none; the others as the
    // server documents them).
    inventory: {
      tracking: "none",
      quantity: 0,
      low_stock_threshold: null,
      allow_backorder: false,
      min_order_quantity: 1,
      max_order_quantity: null,
      ...inventory,
    },
  };
}
