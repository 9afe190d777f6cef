import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalIdentifier, hasInvisible } from "../../src/lib/identifiers";
import { api, createKey, createOrg, expectFailures } from "../helpers";

/**
 * Property-based tests of the product resource (the contract, "The product", PUT/PATCH and Errors), with
 * fast-check: random valid products round-trip through POST, GET, PUT and PATCH as sent (normalised
 * only where the contract says so, each normalisation spelled out in `expected` below), and random
 * single-field breakages of valid products are refused with 400 invalid_data naming exactly that
 * field, writing nothing.
 *
 * The properties: POST round trip (201 body and GET); PUT of the read product changes no field;
 * PATCH of a random valid subset changes exactly that subset (version + 1 iff anything changed);
 * one broken field is refused by POST, PUT and PATCH alike, naming the field, writing nothing;
 * keys named like Object.prototype members survive, and `__proto__` keys are refused. Server bugs
 * they found (since fixed) are kept as properties of their own, with the reproduction next to them.
 *
 * Every run gets an org of its own (sku, gtin and slugs are unique per org, and an empty org makes
 * "nothing written" a listing) and a key pool of that org: a fresh key every KEY_BUDGET requests,
 * under the api limit of 100 requests per key and 10 s window. A 429 fails the run.
 *
 * fast-check prints the seed and the shrunk counterexample of a failure; re-run one with
 * `fc.assert(..., { seed, path })` to reproduce it.
 */

type Body = Record<string, unknown>;
type Product = Body & { id: string; version: number; variants: Body[]; localizations: Body };

const RUNS = 40;
/**
 * Runs per property, and a cap on each property's time: a failing property stops shrinking at the
 * cap and reports the smallest counterexample found by then (with its seed and path).
 */
const PARAMETERS = { numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(15_000)] };
/** vitest's limit per property: its runs, and shrinking a failure up to the cap above. */
const TIMEOUT = 30_000;
const KEY_BUDGET = 90;
const MAX_AMOUNT = 999_999_999_999;
const MAX_QUANTITY = 1_000_000_000;
const PROPS_MAX_BYTES = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// Client: one org per run, keys rotated before the rate limit.

class Org {
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

async function json(response: Response, status: number): Promise<Product> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as Product;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

const isObject = (value: unknown): value is Body =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asBody = (value: unknown): Body => (isObject(value) ? value : {});
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const codePoints = (value: string) => [...value].length;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** What the server receives: the JSON text of the body (no undefined, no -0). */
const wire = (value: unknown): Body => clone(asBody(value));
const unique = <T>(values: T[]) => [...new Set(values)];
const pick = (product: Body, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((field) => field in product).map((field) => [field, product[field]]));

/** RFC 7396 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Body = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Nesting depth as the contract counts it for props: the object itself is level 1. */
function depth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depth));
}
const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** Read-only fields a write leaves as they were. */
const READ_ONLY_KEPT = ["id", "object", "org_id", "created_at", "created_by", "images", "in_stock"];

/** The writable fields of the read representation (the contract's field table). */
const WRITABLE = [
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

const FLAGS = [
  "visible",
  "buyable",
  "on_sale",
  "discountable",
  "reviews_allowed",
  "exclude_from_feeds",
] as const;
const WINDOWS = [
  ["available_from", "available_to"],
  ["new_from", "new_to"],
] as const;
const INVENTORY_KEYS = [
  "tracking",
  "quantity",
  "low_stock_threshold",
  "allow_backorder",
  "min_order_quantity",
  "max_order_quantity",
] as const;

/** The writable fields of a product as read, variants without their computed in_stock. */
function writable(product: Body): Body {
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
const CURRENCIES = [
  "EUR", "USD", "JPY", "GBP", "CHF", "BHD", "KWD", "JOD", "CLF", "UYW", "SEK", "NOK", "DKK", "PLN",
  "CZK", "HUF", "BRL", "MXN", "CAD", "AUD", "NZD", "ZAR", "INR", "CNY", "HKD", "SGD", "KRW", "VND",
  "XOF", "XAF", "XPF", "ISK", "CLP", "PYG", "UGX", "RWF", "TND", "OMR", "LYD", "IQD", "AED", "SAR",
  "QAR", "EGP", "MAD", "NGN", "KES", "GHS", "TRY", "ILS", "THB", "MYR", "IDR", "PHP", "TWD", "ARS",
];
// biome-ignore format: a table reads better in rows
const COUNTRIES = [
  "DE", "AT", "CH", "FR", "IT", "ES", "PT", "NL", "BE", "LU", "DK", "SE", "NO", "FI", "IS", "IE",
  "GB", "US", "CA", "MX", "BR", "AR", "CL", "JP", "KR", "CN", "TW", "HK", "SG", "IN", "AU", "NZ",
  "ZA", "NG", "KE", "EG", "MA", "TR", "IL", "AE", "SA", "QA", "PL", "CZ", "SK", "HU", "RO", "BG",
  "GR", "HR", "SI", "EE", "LV", "LT", "UA", "AQ", "BV", "PS", "EH", "SJ",
];
/** [as a client sends it, canonical]: the canonical form is what the contract stores. */
const LOCALES: [string, string][] = [
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
function canonicalLocale(tag: string): string {
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
function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(body[i]) * weight;
  return (10 - (sum % 10)) % 10;
}
/** the contract: "digits (spaces and hyphens stripped)". */
const gtinDigits = (gtin: string) => gtin.replace(/[\s-]/g, "");

/** round(cost × (100 + markup) / 100), half away from zero, exactly (markup has ≤ 4 decimals). */
function derivedAmount(cost: number, markupTenThousandths: number): bigint {
  const numerator = BigInt(cost) * BigInt(1_000_000 + markupTenThousandths);
  const denominator = 1_000_000n;
  return (numerator * 2n + denominator) / (denominator * 2n);
}
const markupUnits = (markup: number) => Math.round(markup * 10_000);

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A slug generated from a name (the contract, Slugs): accents folded, lower-cased, every run of other
 * characters one `-`, trimmed, cut to 256 at a word boundary; no [a-z0-9] left: product-<id tail>.
 * Exact for ASCII names; for other names the folding table is the server's business, so only the
 * slug's shape is checked.
 */
function generatedSlug(name: string, productId: string): unknown {
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

type Variant = Body & { id: string; options: Record<string, string> };

/**
 * What a missing slug becomes on a write: on an update, a locale keeps its current slug when the
 * name gives it (`name`, `name-N`, `name-<the id's last 8>`); else the one generated from the name.
 */
function missingSlug(name: string, productId: string, current: unknown): unknown {
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
function expected(sentBody: Body, productId: string, previous: Variant[] = [], before?: Product): Body {
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
          : { quantity: stock.quantity ?? 0, allow_backorder: stock.allow_backorder ?? false },
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

// ---------------------------------------------------------------------------------------------
// Arbitraries of valid field values.

const between = (value: number, min: number, max: number) => value >= min && value <= max;

/** A string of min..max code points, kept as sent: Unicode or ASCII, and the length edges. */
function text(min: number, max: number, size = 20): fc.Arbitrary<string> {
  const random = fc
    .oneof(
      fc.string({ unit: "grapheme", maxLength: size }),
      fc.string({ unit: "grapheme-ascii", maxLength: size }),
    )
    .filter((value) => between(codePoints(value), min, max));
  const edges = fc.constantFrom("x".repeat(max), "😀".repeat(max), "é".repeat(Math.max(min, 1)));
  return fc.oneof({ weight: 6, arbitrary: random }, { weight: 1, arbitrary: edges });
}

/** Text an identifier may be (no invisible character), of min..max code points as stored (trimmed, NFC). */
const identifierText = (min: number, max: number, size = 20) =>
  text(min, max, size).filter(
    (value) => !hasInvisible(value) && between(codePoints(canonicalIdentifier(value)), min, max),
  );

const PADDING = ["", "", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\ufeff"];
/** A min..max string the API trims, sent with whitespace around it. */
function trimmed(min: number, max: number, size = 20, ofIdentifier = false): fc.Arbitrary<string> {
  const core = (ofIdentifier ? identifierText : text)(min, max, size).filter(
    (value) => value.trim() === value && value.length > 0,
  );
  return fc
    .tuple(fc.constantFrom(...PADDING), core, fc.constantFrom(...PADDING))
    .map(([before, value, after]) => `${before}${value}${after}`);
}

const asciiWords = fc
  .array(fc.stringMatching(/^[A-Za-z0-9]{1,9}$/), { minLength: 1, maxLength: 70 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(" ", "-", "_", " - ", ", ", "--", "."), {
        minLength: words.length,
        maxLength: words.length,
      })
      .map((separators) => words.map((word, index) => `${word}${separators[index]}`).join("")),
  )
  .filter((name) => name.trim().length > 0 && codePoints(name.trim()) <= 512);

const nameArb = fc.oneof(
  { weight: 3, arbitrary: trimmed(1, 512, 30) },
  { weight: 2, arbitrary: asciiWords },
  { weight: 1, arbitrary: fc.constantFrom("!!!", "€ 5", "日本語", "Crème brûlée", "  ÆØÅ  ") },
);

const slugArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 1, maxLength: 4 })
      .map((w) => w.join("-")),
  },
  { weight: 1, arbitrary: fc.constantFrom("a".repeat(256), `${"ab-".repeat(85)}a`) },
);

/** A GTIN-8/12/13/14 with its check digit, sometimes with spaces and hyphens in it. */
const gtinArb = fc
  .constantFrom(8, 12, 13, 14)
  .chain((length) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 }),
  )
  .map((digits) => digits.join(""))
  .map((body) => `${body}${gs1CheckDigit(body)}`)
  .chain((gtin) =>
    fc
      .array(fc.constantFrom("", "", "", " ", "-"), { minLength: gtin.length, maxLength: gtin.length })
      .map((separators) =>
        [...gtin]
          .map((digit, index) => `${digit}${separators[index]}`)
          .join("")
          .replace(/[\s-]+$/, ""),
      ),
  );

const amountArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_AMOUNT }) },
  { weight: 1, arbitrary: fc.constantFrom(0, MAX_AMOUNT) },
);
const currencyArb = fc.mixedCase(fc.constantFrom(...CURRENCIES));

/** A price in one of its forms: amount; amount with extras; cost and markup (amount derived); all three agreeing. */
const priceArb = fc
  .record({
    currency: currencyArb,
    form: fc.constantFrom("amount", "derived", "all"),
    amount: amountArb,
    compare: fc.option(amountArb, { nil: undefined }),
    compareNull: fc.boolean(),
    cost: fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.constantFrom(0, 10050)),
    markup: fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
      fc.constantFrom(200_000, -1_000_000, 5, 12_345),
    ),
    costOnly: fc.boolean(),
  })
  .map(({ currency, form, amount, compare, compareNull, cost, markup, costOnly }) => {
    const derived = derivedAmount(cost, markup);
    const extras: Body =
      compare !== undefined ? { compare_at_amount: compare } : compareNull ? { compare_at_amount: null } : {};
    if (form === "amount" || derived > BigInt(MAX_AMOUNT)) {
      // cost_amount alone (no markup) is kept as information; the amount is the price.
      return {
        currency,
        amount,
        ...extras,
        ...(costOnly ? { cost_amount: cost, markup_percent: null } : {}),
      };
    }
    const markupPercent = markup / 10_000;
    if (form === "derived") return { currency, cost_amount: cost, markup_percent: markupPercent, ...extras };
    return { currency, amount: Number(derived), cost_amount: cost, markup_percent: markupPercent, ...extras };
  });

const pricesArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.uniqueArray(priceArb, { maxLength: 4, selector: (price) => price.currency.toUpperCase() }),
  },
  {
    weight: 1,
    arbitrary: fc.constant(CURRENCIES.slice(0, 50).map((currency, index) => ({ currency, amount: index }))),
  },
);

const localeArb = fc.constantFrom(...LOCALES.map(([sent]) => sent));

/** A date or date-time, as a client may write the instant `time` (from) or the day it lies in. */
function dateText(time: number, format: number): string {
  const iso = new Date(time).toISOString();
  switch (format) {
    case 0:
      return iso.slice(0, 10);
    case 1:
      return iso;
    case 2:
      return `${iso.slice(0, 19)}Z`;
    case 3:
      return `${iso.slice(0, 19).toLowerCase()}z`;
    case 4: {
      // The same instant at +05:30.
      const local = new Date(time + 330 * 60_000).toISOString();
      return `${local.slice(0, 23)}+05:30`;
    }
    case 5:
      // Nanoseconds (RFC 3339 allows any number of fraction digits).
      return `${iso.slice(0, 23)}000000Z`;
    default: {
      const local = new Date(time - 8 * 3_600_000).toISOString();
      return `${local.slice(0, 19)}-08:00`;
    }
  }
}
const FROM_YEAR_2000 = Date.UTC(2000, 0, 1);
const TO_YEAR_2100 = Date.UTC(2100, 11, 31);
/** A from/to window, each end optional (absent or null), from ≤ to; whole seconds, as every format writes them. */
const secondArb = fc
  .integer({ min: FROM_YEAR_2000 / 1000, max: TO_YEAR_2100 / 1000 })
  .map((second) => second * 1000);
const windowArb = fc
  .record({
    a: secondArb,
    b: secondArb,
    fromFormat: fc.nat(6),
    toFormat: fc.nat(6),
    from: fc.constantFrom("absent", "set", "set", "null"),
    to: fc.constantFrom("absent", "set", "set", "null"),
    same: fc.boolean(),
  })
  .map(({ a, b, fromFormat, toFormat, from, to, same }) => {
    const start = Math.min(a, b);
    const end = same ? start : Math.max(a, b);
    const value = (mode: string, text: string) =>
      mode === "set" ? text : mode === "null" ? null : undefined;
    return { from: value(from, dateText(start, fromFormat)), to: value(to, dateText(end, toFormat)) };
  });

const DAY = 86_400_000;
const parseDate = (value: string) =>
  Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
/** The last millisecond a date or date-time covers: a date is its whole UTC day. */
const lastMillisecond = (value: string) =>
  parseDate(value) + (/^\d{4}-\d{2}-\d{2}$/.test(value) ? DAY - 1 : 0);

const inventoryArb = fc
  .record(
    {
      tracking: fc.constantFrom("none", "product", "variant"),
      quantity: fc.oneof(
        fc.integer({ min: -MAX_QUANTITY, max: MAX_QUANTITY }),
        fc.constantFrom(0, 1, -1, MAX_QUANTITY, -MAX_QUANTITY),
      ),
      low_stock_threshold: fc.option(fc.integer({ min: 0, max: MAX_QUANTITY })),
      allow_backorder: fc.boolean(),
      min_order_quantity: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constantFrom(1, MAX_QUANTITY)),
      max_order_quantity: fc.option(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant(MAX_QUANTITY))),
    },
    { requiredKeys: [] },
  )
  .map((inventory) => {
    const fixed: Body = { ...inventory };
    // the contract: quantity < 0 only with backorder; min ≤ max.
    if ((inventory.quantity ?? 0) < 0) fixed.allow_backorder = true;
    const min = inventory.min_order_quantity ?? 1;
    if (
      inventory.max_order_quantity !== undefined &&
      inventory.max_order_quantity !== null &&
      inventory.max_order_quantity < min
    ) {
      fixed.max_order_quantity = min;
    }
    return fixed;
  });

const attributeArb = fc.record(
  { name: text(1, 128), value: text(1, 1024), locale: localeArb },
  { requiredKeys: ["name", "value"] },
);

const customFieldArb = fc.oneof(
  fc.record(
    {
      name: text(1, 128),
      type: fc.constantFrom("size", "checkboxes"),
      values: fc.array(text(1, 128, 10), { minLength: 1, maxLength: 4 }),
      locale: localeArb,
    },
    { requiredKeys: ["name", "type", "values"] },
  ),
  fc.record(
    { name: text(1, 128), type: fc.constantFrom("textfield", "textarea"), locale: localeArb },
    { requiredKeys: ["name", "type"] },
  ),
  fc
    .record({
      name: text(1, 128),
      window: windowArb,
      fallback: fc.integer({ min: FROM_YEAR_2000, max: TO_YEAR_2100 }),
    })
    .map(({ name, window, fallback }) => ({
      name,
      type: "date_picker",
      range_from: window.from ?? dateText(fallback, 0),
      range_to: window.to ?? dateText(fallback, 0),
    }))
    .filter((field) => parseDate(field.range_from) <= lastMillisecond(field.range_to)),
);

/** JSON values for props; no `__proto__` key (that one has a property of its own below). */
const propKey = fc.string({ maxLength: 10 }).filter((key) => key !== "__proto__");
const { propValue } = fc.letrec((tie) => ({
  propValue: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("propValue"), { maxLength: 3 }),
    fc.dictionary(propKey, tie("propValue"), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
const propsArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .dictionary(propKey, propValue, { maxKeys: 6, noNullPrototype: true })
      .map((props) => wire(props))
      .filter((props) => depth(props) <= 5 && jsonBytes(props) <= 8 * 1024),
  },
  // The edges: exactly 16 KiB serialised, exactly 5 levels deep.
  { weight: 1, arbitrary: fc.constant({ k: "x".repeat(PROPS_MAX_BYTES - 8) }) },
  { weight: 1, arbitrary: fc.constant({ a: { b: [{ c: { d: 1 } }] } }) },
);

const uuidArb = fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] });
const destinationArb = fc.record(
  {
    url: fc.webUrl({ validSchemes: ["http", "https"] }).filter((url) => url.length <= 2048),
    chatbot: uuidArb,
    page: uuidArb,
    knowledge_base: uuidArb,
  },
  { requiredKeys: [] },
);

const localizationArb = fc.record(
  {
    name: nameArb,
    description: fc.option(text(0, 5000)),
    slug: fc.option(slugArb),
    seo: fc.option(
      fc.record(
        { title: fc.option(text(0, 256)), description: fc.option(text(0, 1024)) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ["name"] },
);
const localizationsArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .uniqueArray(fc.constantFrom(...LOCALES), { maxLength: 4, selector: ([, canonical]) => canonical })
      .chain((locales) =>
        fc
          .array(localizationArb, { minLength: locales.length, maxLength: locales.length })
          .map((entries) => Object.fromEntries(locales.map(([sent], index) => [sent, entries[index]]))),
      ),
  },
  // The edge: 50 locales.
  {
    weight: 1,
    arbitrary: fc.constant(
      Object.fromEntries(
        COUNTRIES.slice(0, 50).map((country) => [`pt-${country.toLowerCase()}`, { name: `Name ${country}` }]),
      ),
    ),
  },
);

/** An array of small random items, or, now and then, exactly `max` of them. */
function upTo<T>(item: fc.Arbitrary<T>, max: number, edgeItem: fc.Arbitrary<T> = item): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(item, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(edgeItem, { minLength: max, maxLength: max }) },
  );
}

/** The fields of a product but options and variants. */
const baseArb = fc
  .record(
    {
      name: nameArb,
      description: fc.oneof(fc.constant(null), text(0, 5000, 40), fc.constant("d".repeat(5000))),
      status: fc.constantFrom("unconfigured", "active", "inactive", "archived"),
      type: fc.constantFrom("physical", "service", "digital"),
      shippable: fc.boolean(),
      schedule_appointment: fc.boolean(),
      sku: fc.option(identifierText(1, 64, 16)),
      gtin: fc.option(gtinArb),
      tax_category: fc.option(text(1, 64, 16)),
      tax_behavior: fc.constantFrom("exclusive", "inclusive"),
      prices: pricesArb,
      features: upTo(text(1, 512), 100, fc.constant("f")),
      tags: upTo(
        fc.oneof(trimmed(1, 64, 12, true), fc.constantFrom("sale", " sale", "sale ", "new")),
        50,
        fc.constantFrom("a", "b", " a "),
      ),
      props: propsArb,
      agent_ids: upTo(
        fc.oneof(identifierText(1, 128, 12), fc.constantFrom("agent_1", "agent_2")),
        100,
        fc.constantFrom("agent_1", "agent_2"),
      ),
      slug: fc.option(slugArb),
      seo: fc.option(
        fc.record(
          { title: fc.option(text(0, 256)), description: fc.option(text(0, 1024)) },
          { requiredKeys: [] },
        ),
      ),
      default_locale: localeArb,
      localizations: localizationsArb,
      visible: fc.boolean(),
      buyable: fc.boolean(),
      on_sale: fc.boolean(),
      discountable: fc.boolean(),
      reviews_allowed: fc.boolean(),
      exclude_from_feeds: fc.boolean(),
      attributes: upTo(attributeArb, 200, fc.constant({ name: "n", value: "v" })),
      custom_fields: upTo(customFieldArb, 50, fc.constant({ name: "c", type: "textfield" })),
      allowed_countries: upTo(fc.mixedCase(fc.constantFrom(...COUNTRIES)), 249),
      destination: fc.option(destinationArb),
      related_product_ids: fc.array(fc.constantFrom("@0", "@1"), { maxLength: 3 }),
      inventory: fc.option(inventoryArb),
      image_urls: fc.constantFrom(null, []),
    },
    { requiredKeys: ["name"] },
  )
  .chain((product) =>
    fc
      .record({
        defaultCurrency: fc.option(fc.tuple(fc.nat(), fc.boolean()), { nil: undefined }),
        available: windowArb,
        novelty: windowArb,
      })
      .map(({ defaultCurrency, available, novelty }) => {
        const body: Body = { ...product };
        // shippable: true is invalid for service and digital products.
        if (body.type !== undefined && body.type !== "physical" && body.shippable === true)
          body.shippable = false;
        // default_currency: one of the prices' currencies, any case; null or absent otherwise.
        const prices = asList(body.prices);
        if (defaultCurrency === null) body.default_currency = null;
        else if (defaultCurrency !== undefined && prices.length > 0) {
          const [index, lower] = defaultCurrency;
          const currency = String(asBody(prices[index % prices.length]).currency);
          body.default_currency = lower ? currency.toLowerCase() : currency.toUpperCase();
        }
        for (const [[from, to], window] of [
          [WINDOWS[0], available],
          [WINDOWS[1], novelty],
        ] as const) {
          if (window.from !== undefined) body[from] = window.from;
          if (window.to !== undefined) body[to] = window.to;
        }
        return body;
      }),
  );

/** Options (unique trimmed names, unique trimmed values) and variants naming one value of each. */
function optionsAndVariantsArb(product: Body): fc.Arbitrary<Body> {
  const productCurrencies = asList(product.prices).map((price) =>
    String(asBody(price).currency).toUpperCase(),
  );
  const productAmount = (currency: string) =>
    Number(
      asBody(
        asList(product.prices).find((price) => String(asBody(price).currency).toUpperCase() === currency),
      ).amount ?? 0,
    );
  const optionArb = fc
    .record({
      name: trimmed(1, 128, 8, true).filter((name) => name.trim() !== "__proto__"),
      values: fc.uniqueArray(trimmed(1, 128, 6, true), {
        minLength: 1,
        maxLength: 4,
        selector: canonicalIdentifier,
      }),
      display: fc.constantFrom(undefined, "dropdown", "radio"),
      localized: fc.subarray(["de", "fr", "pt-BR"]),
      translation: fc
        .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 })
        .filter((value) => value.trim() === value),
    })
    .map(({ name, values, display, localized, translation }) => {
      const option: Body = { name, values };
      if (display !== undefined) option.display = display;
      if (localized.length > 0) {
        option.localizations = Object.fromEntries(
          localized.map((locale) => [
            locale,
            {
              name: `${translation} ${locale}`,
              values: values.map((_, index) => ` ${translation}${index} `),
            },
          ]),
        );
      }
      return option;
    });
  const optionsArb = fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Body[]) },
    {
      weight: 4,
      arbitrary: fc.uniqueArray(optionArb, {
        maxLength: 3,
        selector: (option) => canonicalIdentifier(String(option.name)),
      }),
    },
    // The edges: 5 options; 250 variants (16 × 16 combinations).
    {
      weight: 1,
      arbitrary: fc.constant(
        Array.from({ length: 5 }, (_, index) => ({ name: `Option ${index}`, values: ["a", "b"] })) as Body[],
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        ["Size", "Colour"].map((name) => ({
          name,
          values: Array.from({ length: 16 }, (_, index) => `${name[0]}${index}`),
        })) as Body[],
      ),
    },
  );
  return fc
    .record({ options: optionsArb, pricing: fc.constantFrom(undefined, "absolute", "delta") })
    .chain(({ options, pricing }) => {
      const names = options.map((option) => String(option.name).trim());
      const values = options.map((option) => asList(option.values).map((value) => String(value).trim()));
      const combinations = values.reduce((count, list) => count * list.length, options.length > 0 ? 1 : 0);
      const delta = pricing === "delta";
      const variantPriceArb = delta
        ? productCurrencies.length === 0
          ? fc.constant([] as Body[])
          : fc
              .uniqueArray(fc.constantFrom(...productCurrencies), { minLength: 1, maxLength: 2 })
              .chain((currencies) =>
                fc.tuple(
                  ...currencies.map((currency) =>
                    fc
                      .integer({ min: -productAmount(currency), max: MAX_AMOUNT })
                      .map((amount) => ({ currency: currency.toLowerCase(), amount })),
                  ),
                ),
              )
        : fc.uniqueArray(fc.record({ currency: currencyArb, amount: amountArb }), {
            maxLength: 2,
            selector: (price) => price.currency.toUpperCase(),
          });
      const variantArb = fc.record(
        {
          sku: fc.option(identifierText(1, 64, 12)),
          gtin: fc.option(gtinArb),
          prices: variantPriceArb,
          inventory: fc.option(
            fc.record(
              { quantity: fc.integer({ min: 0, max: MAX_QUANTITY }), allow_backorder: fc.boolean() },
              { requiredKeys: [] },
            ),
          ),
          visible: fc.boolean(),
          image_ids: fc.constant([]),
        },
        { requiredKeys: [] },
      );
      const count = Math.min(combinations, combinations >= 250 ? 250 : 4);
      const combos =
        combinations >= 250
          ? fc.constant(Array.from({ length: 250 }, (_, index) => [Math.floor(index / 16), index % 16]))
          : fc.uniqueArray(fc.tuple(...values.map((list) => fc.nat(list.length - 1))), {
              maxLength: count,
              selector: (combo) => combo.join(","),
            });
      return (options.length === 0 ? fc.constant([] as number[][]) : combos).chain((chosen) =>
        fc.array(variantArb, { minLength: chosen.length, maxLength: chosen.length }).map((variants) => {
          const body: Body = {};
          if (options.length > 0 || Math.random() < 0.5) body.options = options;
          if (pricing !== undefined) body.variant_pricing = pricing;
          if (chosen.length > 0) {
            body.variants = chosen.map((combo, index) => ({
              // Variants name options by their trimmed names and values, keys in any order.
              options: Object.fromEntries(
                names.map((name, at) => [name, values[at]?.[combo[at] ?? 0]]).reverse(),
              ),
              ...(combinations >= 250 ? {} : variants[index]),
            }));
          }
          return body;
        }),
      );
    });
}

/** Product and variant skus and gtins unique (the contract: unique per org across products and variants). */
function uniqueIdentifiers(body: Body): Body {
  const skus = new Set<string>();
  const gtins = new Set<string>();
  const claim = (holder: Body) => {
    if (typeof holder.sku === "string") {
      const key = canonicalIdentifier(holder.sku);
      if (skus.has(key)) holder.sku = null;
      else skus.add(key);
    }
    if (typeof holder.gtin === "string") {
      const key = gtinDigits(holder.gtin).padStart(14, "0");
      if (gtins.has(key)) holder.gtin = null;
      else gtins.add(key);
    }
  };
  claim(body);
  for (const variant of asList(body.variants)) claim(asBody(variant));
  return body;
}

/** A valid product body: every writable field but image_urls' fetches. */
const productArb: fc.Arbitrary<Body> = baseArb.chain((base) =>
  optionsAndVariantsArb(base).map((extra) => uniqueIdentifiers(clone({ ...base, ...extra }))),
);

// ---------------------------------------------------------------------------------------------

let orgForChecks: Org;
beforeAll(async () => {
  orgForChecks = await Org.create();
  const response = await orgForChecks.request("/v1/currencies");
  const codes = ((await json(response, 200)) as unknown as { data: { code: string }[] }).data.map(
    (c) => c.code,
  );
  expect(CURRENCIES.filter((code) => !codes.includes(code))).toEqual([]);
});

/** A product created from `sent` in a fresh org, its 201 body checked against the model. */
async function created(org: Org, sentBody: Body) {
  const sent = await org.resolveRelated(sentBody);
  const response = await org.post(sent);
  const product = await json(response, 201);
  return { sent, product, response };
}

describe("valid products", () => {
  it(
    "POST creates what was sent; the 201 body and GET show every field as sent, normalised as the contract says",
    async () => {
      await fc.assert(
        fc.asyncProperty(productArb, async (body) => {
          const org = await Org.create();
          const { sent, product, response } = await created(org, body);
          expect(response.headers.get("Location")).toBe(`/v1/products/${product.id}`);
          expect(response.headers.get("ETag")).toBe('"1"');
          expect(product).toMatchObject({
            object: "product",
            org_id: org.id,
            version: 1,
            images: [],
            total_scans: 0,
          });
          expect(writable(product)).toEqual(expected(sent, product.id));
          expect(await json(await org.get(product.id), 200)).toEqual(product);
        }),
        PARAMETERS,
      );
    },
    TIMEOUT,
  );

  // Found by this property (fixed): a write that changed nothing bumped the version, ETag and
  // updated_at when the product never set `shippable` or `default_currency`: the read shows their
  // defaults, and sending them back stored them as set. Shrunk: POST {"name":"!"}, then a PUT of
  // that 201 body → version 2. Now an update sending a default the field follows keeps following it.
  it(
    "PATCH of its defaults and PUT of the product as read (read-only fields included) change nothing, version and ETag included",
    async () => {
      await fc.assert(
        fc.asyncProperty(productArb, async (body) => {
          const org = await Org.create();
          const { product } = await created(org, body);
          const unchanged = (response: Response, read: Product) => {
            expect(writable(read)).toEqual(writable(product));
            expect(pick(read, [...READ_ONLY_KEPT, "version", "updated_at"])).toEqual(
              pick(product, [...READ_ONLY_KEPT, "version", "updated_at"]),
            );
            expect(response.headers.get("ETag")).toBe(`"${product.version}"`);
          };
          const patchResponse = await org.patch(product.id, {
            shippable: product.shippable,
            default_currency: product.default_currency,
          });
          unchanged(patchResponse, await json(patchResponse, 200));
          const putResponse = await org.put(product.id, product);
          unchanged(putResponse, await json(putResponse, 200));
          expect(await json(await org.get(product.id), 200)).toEqual(product);
        }),
        PARAMETERS,
      );
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------
// PATCH: a merge patch of a random valid subset of another random product's fields.

/** Fields a merge patch may reset with null whatever the rest of the product is (their default is always valid). */
/** The fields stored only when set, following their default otherwise (src/products/products.rules.ts). */
const FOLLOWING = ["shippable", "default_currency"] as const;
const RESETTABLE = WRITABLE.filter(
  (field) => !["name", "prices", "options", "variant_pricing"].includes(field),
);
/** Fields that must move together when variants are involved (their skus, gtins, options and prices). */
const VARIANT_CLUSTER = [
  "sku",
  "gtin",
  "prices",
  "default_currency",
  "variant_pricing",
  "options",
  "variants",
];
/** Fields whose read value may change when the given patched field does. */
const DERIVED: Record<string, string[]> = {
  type: ["shippable"],
  prices: ["default_currency", "variants"],
  default_locale: ["name", "description", "slug", "seo", "localizations"],
  localizations: ["name", "description", "slug", "seo"],
  options: ["variants"],
  variant_pricing: ["variants"],
};

/** Keys in a canonical order, for comparing JSON documents whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The stored document a merge patch applies to (the contract: PATCH merges into the writable fields):
 * the read fields, less the defaults that follow other fields and were never set (shippable
 * follows type, default_currency the first price).
 */
function storedDocument(product: Product, sent: Body): Body {
  const stored = writable(product);
  if (sent.shippable === undefined) delete stored.shippable;
  if (sent.default_currency === undefined || sent.default_currency === null) delete stored.default_currency;
  return stored;
}

/**
 * A valid merge patch from `fields` of product B (absent in B: null, the default), kept valid by
 * moving dependent fields together, plus `nulls` resets.
 */
function buildPatch(stored: Body, readA: Product, sentB: Body, chosen: string[], nulls: string[]): Body {
  const fields = new Set(chosen);
  const couple = (...group: string[]) => {
    if (group.some((field) => fields.has(field))) for (const field of group) fields.add(field);
  };
  couple("type", "shippable");
  couple("prices", "default_currency");
  couple("available_from", "available_to");
  couple("new_from", "new_to");
  if (asList(readA.variants).length > 0 || asList(sentB.variants).length > 0) couple(...VARIANT_CLUSTER);
  const patch: Body = {};
  for (const field of fields) patch[field] = sentB[field] === undefined ? null : clone(sentB[field]);
  // inventory: B's keys, and null (the default) for those B left out, so that the merge is B's inventory.
  if (isObject(patch.inventory)) {
    patch.inventory = { ...Object.fromEntries(INVENTORY_KEYS.map((key) => [key, null])), ...patch.inventory };
  }
  // localizations: a key naming a locale A has is spelled as A stores it (else both spellings would
  // be keys of one locale); the merge must stay within 50 locales.
  if (isObject(patch.localizations)) {
    const storedKeys = Object.keys(asBody(stored.localizations));
    patch.localizations = Object.fromEntries(
      Object.entries(patch.localizations).map(([key, value]) => [
        storedKeys.find((storedKey) => storedKey === canonicalLocale(key)) ?? key,
        value,
      ]),
    );
    if (Object.keys(asBody(mergePatch(stored.localizations, patch.localizations))).length > 50)
      delete patch.localizations;
  }
  // props merge: the result must stay within 16 KiB and 5 levels.
  if (isObject(patch.props)) {
    const merged = mergePatch(stored.props, patch.props);
    if (jsonBytes(merged) > PROPS_MAX_BYTES || depth(merged) > 5) delete patch.props;
  }
  for (const field of nulls) patch[field] = null;
  return patch;
}

describe("merge patch", () => {
  it(
    "PATCH of a random valid subset changes exactly those fields, the rest as it was, version + 1 iff something changed",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          productArb,
          productArb,
          fc.oneof(fc.subarray([...WRITABLE], { maxLength: 3 }), fc.subarray([...WRITABLE])),
          fc.subarray(RESETTABLE, { maxLength: 3 }),
          async (bodyA, bodyB, chosen, nulls) => {
            const org = await Org.create();
            const { sent, product } = await created(org, bodyA);
            const sentB = await org.resolveRelated(bodyB);
            const stored = storedDocument(product, sent);
            const patch = buildPatch(stored, product, sentB, chosen, nulls);

            const response = await org.patch(product.id, patch);
            const patched = await json(response, 200);
            expect(writable(patched)).toEqual(
              expected(mergePatch(stored, patch) as Body, product.id, product.variants as Variant[], product),
            );
            // Every field the patch does not name, nor derives from one it names, is as it was.
            const touched = new Set(
              Object.keys(patch).flatMap((field) => [field, ...(DERIVED[field] ?? [])]),
            );
            const untouched = WRITABLE.filter((field) => !touched.has(field));
            expect(pick(writable(patched), untouched)).toEqual(pick(writable(product), untouched));
            // Whether shippable and default_currency follow their defaults is state the product does
            // not show: null on one that was set makes it follow again, a change even when the value
            // read stays (a later type or prices change moves it). Sending the default it follows
            // keeps it following, no change.
            const unpins = FOLLOWING.some((field) => patch[field] === null && field in stored);
            const changed = canonicalJson(writable(patched)) !== canonicalJson(writable(product)) || unpins;
            expect(patched.version, changed ? "changed" : "unchanged").toBe(
              product.version + (changed ? 1 : 0),
            );
            expect(response.headers.get("ETag")).toBe(`"${patched.version}"`);
            expect(await json(await org.get(product.id), 200)).toEqual(patched);
          },
        ),
        PARAMETERS,
      );
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------
// Invalid data: one field of a valid product broken, as a create, a PUT and a PATCH.

type Mutation = {
  name: string;
  /** Breaks one field of `body` in place; returns the failing field's path, or undefined when it does not apply. */
  apply: (body: Body, k: number) => string | undefined;
};

const listAt = (body: Body, key: string): unknown[] => {
  if (!Array.isArray(body[key])) body[key] = [];
  return body[key] as unknown[];
};
const objectAt = (body: Body, key: string): Body => {
  if (!isObject(body[key])) body[key] = {};
  return body[key] as Body;
};
/** An item of the list at `key` (one made by `make` when the list is empty): [index, item]. */
function itemAt(body: Body, key: string, k: number, make: () => unknown): [number, Body] {
  const list = listAt(body, key);
  if (list.length === 0) list.push(make());
  const index = k % list.length;
  if (!isObject(list[index])) list[index] = make();
  return [index, list[index] as Body];
}
const choose = <T>(values: readonly T[], k: number): T => values[k % values.length] as T;
const FAKE_ID = `prod_${"0".repeat(26)}`;
const effectiveType = (body: Body) => String(body.type ?? "physical");
const priceCurrencies = (body: Body) =>
  asList(body.prices).map((price) => String(asBody(price).currency).toUpperCase());
const hasDeltaVariants = (body: Body) => body.variant_pricing === "delta" && asList(body.variants).length > 0;

const m = (name: string, apply: Mutation["apply"]): Mutation => ({ name, apply });
const MUTATIONS: Mutation[] = [
  m("name: too long, blank, wrong type, null", (b, k) => {
    b.name = choose(["n".repeat(513), " \t\n ", "", 42, ["x"], null, `${"😀".repeat(513)}`], k);
    return "name";
  }),
  m("description: too long or wrong type", (b, k) => {
    b.description = choose(["d".repeat(5001), 5, { text: "x" }], k);
    return "description";
  }),
  m("status: not an enum value", (b, k) => {
    b.status = choose(["deleted", "Active", "", 1], k);
    return "status";
  }),
  m("type: not an enum value", (b) => {
    b.type = "bundle";
    return "type";
  }),
  m("shippable: wrong type", (b) => {
    b.shippable = "yes";
    return "shippable";
  }),
  m("shippable: true for a service or digital product", (b) => {
    if (effectiveType(b) === "physical") return undefined;
    b.shippable = true;
    return "shippable";
  }),
  m("schedule_appointment: wrong type", (b) => {
    b.schedule_appointment = "true";
    return "schedule_appointment";
  }),
  m("sku: too long, empty, wrong type", (b, k) => {
    b.sku = choose(["s".repeat(65), "", 12], k);
    return "sku";
  }),
  m("gtin: wrong check digit", (b) => {
    const digits = gtinDigits(typeof b.gtin === "string" ? b.gtin : "4006381333931");
    b.gtin = `${digits.slice(0, -1)}${(Number(digits.slice(-1)) + 1) % 10}`;
    return "gtin";
  }),
  m("gtin: wrong length or not digits", (b, k) => {
    b.gtin = choose(["4006381333", "40063813339311", "400638133393A", "", 4006381333931], k);
    if (b.gtin === "40063813339311") b.gtin = "40063813339312"; // 14 digits, wrong check digit
    return "gtin";
  }),
  m("tax_category / tax_behavior", (b, k) => {
    if (k % 2 === 0) {
      b.tax_category = choose(["t".repeat(65), ""], k >> 1);
      return "tax_category";
    }
    b.tax_behavior = "included";
    return "tax_behavior";
  }),
  m("prices: 51", (b) => {
    b.prices = CURRENCIES.slice(0, 51).map((currency) => ({ currency, amount: 1 }));
    return "prices";
  }),
  m("prices: not a list", (b) => {
    b.prices = { currency: "EUR", amount: 1 };
    return "prices";
  }),
  m("prices[i].currency: unknown or wrong type", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.currency = choose(["XXX", "EURO", "", 978, "eu", "XAU"], k);
    return `prices[${i}].currency`;
  }),
  m("prices[i].amount: out of range or not an integer", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.amount = choose([MAX_AMOUNT + 1, -1, 12.5, "100"], k);
    return `prices[${i}].amount`;
  }),
  m("prices[i].compare_at_amount / cost_amount: out of range", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    const field = choose(["compare_at_amount", "cost_amount"], k);
    price[field] = choose([-1, MAX_AMOUNT + 1, 0.5], k >> 1);
    return `prices[${i}].${field}`;
  }),
  m("prices[i].markup_percent: out of range or over 4 decimals", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.markup_percent = choose([-100.5, 100_000.5, 1.23456, "20"], k);
    return `prices[${i}].markup_percent`;
  }),
  m("prices[i]: amount disagrees with cost and markup", (b, k) => {
    if (hasDeltaVariants(b)) return undefined;
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    Object.assign(price, { cost_amount: 10050, markup_percent: 20, amount: 12061 });
    return `prices[${i}].amount`;
  }),
  m("prices[i]: no amount, no cost and markup", (b, k) => {
    if (hasDeltaVariants(b)) return undefined;
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    delete price.amount;
    price.cost_amount = null;
    price.markup_percent = null;
    return `prices[${i}].amount`;
  }),
  m("prices[i]: unknown field", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.price = 100;
    return `prices[${i}].price`;
  }),
  m("prices: a second price of one currency", (b) => {
    const prices = asList(b.prices);
    // (With delta variants the second price would also move their base price.)
    if (prices.length === 0 || prices.length >= 50 || hasDeltaVariants(b)) return undefined;
    prices.push({ currency: String(asBody(prices[0]).currency).toLowerCase(), amount: 1 });
    return `prices[${prices.length - 1}].currency`;
  }),
  m("default_currency: not a currency of prices", (b, k) => {
    const taken = priceCurrencies(b);
    b.default_currency = k % 3 === 0 ? "XXX" : CURRENCIES.find((code) => !taken.includes(code));
    return "default_currency";
  }),
  m("features: 101, not a list", (b, k) => {
    b.features = k % 2 === 0 ? Array.from({ length: 101 }, () => "f") : "a, b";
    return "features";
  }),
  m("features[i]: empty, too long, wrong type", (b, k) => {
    const list = listAt(b, "features");
    if (list.length === 0) list.push("feature");
    const i = k % list.length;
    list[i] = choose(["", "f".repeat(513), 5], k);
    return `features[${i}]`;
  }),
  m("tags: 51, not a list", (b, k) => {
    b.tags = k % 2 === 0 ? Array.from({ length: 51 }, (_, index) => `t${index}`) : "a,b";
    return "tags";
  }),
  m("tags[i]: blank, too long, wrong type", (b, k) => {
    const list = listAt(b, "tags");
    if (list.length === 0) list.push("tag");
    const i = k % list.length;
    list[i] = choose(["   ", "t".repeat(65), ` ${"t".repeat(65)} `, 7], k);
    return `tags[${i}]`;
  }),
  m("props: not an object", (b, k) => {
    b.props = choose(["a string", [1, 2], 5, true], k);
    return "props";
  }),
  m("props: 6 levels deep", (b, k) => {
    objectAt(b, "props").deep = choose(
      [{ a: { b: { c: { d: { e: 1 } } } } }, [[[[[1]]]]], { a: [{ b: [{}] }] }],
      k,
    );
    return "props";
  }),
  m("props: over 16 KiB serialised", (b) => {
    objectAt(b, "props").big = "x".repeat(PROPS_MAX_BYTES);
    return "props";
  }),
  m("agent_ids: 101; agent_ids[i] too long", (b, k) => {
    if (k % 2 === 0) {
      b.agent_ids = Array.from({ length: 101 }, (_, index) => `agent_${index}`);
      return "agent_ids";
    }
    const list = listAt(b, "agent_ids");
    if (list.length === 0) list.push("agent");
    const i = k % list.length;
    list[i] = choose(["a".repeat(129), "", 3], k >> 1);
    return `agent_ids[${i}]`;
  }),
  m("slug: not the slug pattern, too long", (b, k) => {
    b.slug = choose(["Bad Slug", "a--b", "-a", "a-", "a".repeat(257), "äb", "UPPER", "", 7, "a_b"], k);
    return "slug";
  }),
  m("seo: wrong type", (b) => {
    b.seo = "A title";
    return "seo";
  }),
  m("seo.title / seo.description: too long, wrong type; seo: unknown field", (b, k) => {
    const seo = objectAt(b, "seo");
    switch (k % 4) {
      case 0:
        seo.title = "t".repeat(257);
        return "seo.title";
      case 1:
        seo.description = "d".repeat(1025);
        return "seo.description";
      case 2:
        seo.title = 5;
        return "seo.title";
      default:
        seo.keywords = "coffee";
        return "seo.keywords";
    }
  }),
  m("default_locale: not a BCP 47 tag", (b, k) => {
    b.default_locale = choose(["en_US", "", "e", "x".repeat(36), 5, "english!", "en-"], k);
    return "default_locale";
  }),
  m("localizations: 51 locales, not an object", (b, k) => {
    b.localizations =
      k % 2 === 0
        ? Object.fromEntries(COUNTRIES.slice(0, 51).map((country) => [`en-${country}`, { name: country }]))
        : "de";
    return "localizations";
  }),
  m(
    "localizations.<locale>: name empty, too long, wrong type, missing; slug bad; seo too long; unknown field; not an object",
    (b, k) => {
      const localizations = objectAt(b, "localizations");
      const keys = Object.keys(localizations);
      const key = keys.length === 0 ? "de" : (keys[k % keys.length] as string);
      if (!isObject(localizations[key])) localizations[key] = { name: "Name" };
      const entry = localizations[key] as Body;
      switch ((k >> 3) % 8) {
        case 0:
          entry.name = choose(["", "  ", "n".repeat(513), 4], k);
          return `localizations.${key}.name`;
        case 1:
          entry.name = null;
          return `localizations.${key}.name`;
        case 2:
          entry.slug = choose(["Bad Slug", "a--b", "x".repeat(257)], k);
          return `localizations.${key}.slug`;
        case 3:
          entry.seo = { title: "t".repeat(257) };
          return `localizations.${key}.seo.title`;
        case 4:
          entry.description = "d".repeat(5001);
          return `localizations.${key}.description`;
        case 5:
          entry.title = "x";
          return `localizations.${key}.title`;
        case 6:
          localizations[key] = "Name";
          return `localizations.${key}`;
        default:
          entry.seo = { keywords: "x" };
          return `localizations.${key}.seo.keywords`;
      }
    },
  ),
  m("localizations: a key that is not a BCP 47 tag", (b, k) => {
    const key = choose(["en_US!", "not a locale", "x".repeat(40), "e"], k);
    const localizations = objectAt(b, "localizations");
    if (Object.keys(localizations).length >= 50) return undefined;
    localizations[key] = { name: "Valid name" };
    return `localizations.${key}`;
  }),
  m("localizations: two keys of one locale", (b) => {
    const localizations = objectAt(b, "localizations");
    const key = Object.keys(localizations).find((candidate) => candidate.toUpperCase() !== candidate);
    if (key === undefined) return undefined;
    const twin = key.toUpperCase();
    if (twin in localizations || Object.keys(localizations).length >= 50) return undefined;
    localizations[twin] = { name: "Twin" };
    return `localizations.${twin}`;
  }),
  m("merchandising flag: wrong type", (b, k) => {
    const flag = choose(FLAGS, k);
    b[flag] = choose(["yes", 1, "true"], k >> 3);
    return flag;
  }),
  m("dates: not a date or date-time, a date that does not exist", (b, k) => {
    const field = choose(["available_from", "available_to", "new_from", "new_to"], k);
    b[field] = choose(
      [
        "2026-02-30",
        "tomorrow",
        "2026-13-01",
        "2026-11-01T25:00:00Z",
        20_260_101,
        "2026-11-01 10:00:00Z",
        "2026-11-01T10:00:00",
      ],
      k >> 2,
    );
    return field;
  }),
  m("dates: to before from", (b, k) => {
    const [from, to] = choose(WINDOWS, k);
    if (typeof b[from] !== "string") return undefined;
    b[to] = new Date(parseDate(b[from] as string) - 2 * DAY).toISOString().slice(0, 10);
    return to;
  }),
  m("inventory: wrong type", (b) => {
    b.inventory = "plenty";
    return "inventory";
  }),
  m("inventory.<field>: bad value; unknown field", (b, k) => {
    const inventory = objectAt(b, "inventory");
    const [field, value] = choose(
      [
        ["tracking", "always"],
        ["quantity", MAX_QUANTITY + 1],
        ["quantity", 1.5],
        ["low_stock_threshold", -1],
        ["allow_backorder", "no"],
        ["min_order_quantity", 0],
        ["max_order_quantity", 0],
        ["reserved", 1],
      ] as const,
      k,
    );
    inventory[field] = value;
    return `inventory.${field}`;
  }),
  m("inventory.quantity: below 0 without backorder", (b) => {
    const inventory = objectAt(b, "inventory");
    if (inventory.allow_backorder === true) return undefined;
    inventory.quantity = -1;
    return "inventory.quantity";
  }),
  m("inventory.max_order_quantity: below min_order_quantity", (b) => {
    const inventory = objectAt(b, "inventory");
    const min = Number(inventory.min_order_quantity ?? 1);
    if (min < 2) return undefined;
    inventory.max_order_quantity = min - 1;
    return "inventory.max_order_quantity";
  }),
  m("attributes: 201, not a list", (b, k) => {
    b.attributes =
      k % 2 === 0 ? Array.from({ length: 201 }, () => ({ name: "a", value: "v" })) : { name: "a" };
    return "attributes";
  }),
  m("attributes[i]: bad name, value or locale; unknown field", (b, k) => {
    const [i, attribute] = itemAt(b, "attributes", k, () => ({ name: "Voltage", value: "230 V" }));
    const [field, value] = choose(
      [
        ["name", ""],
        ["name", "n".repeat(129)],
        ["value", "v".repeat(1025)],
        ["value", 230],
        ["locale", "en_US!"],
        ["lang", "en"],
      ] as const,
      k >> 2,
    );
    attribute[field] = value;
    return `attributes[${i}].${field}`;
  }),
  m("custom_fields: 51", (b) => {
    b.custom_fields = Array.from({ length: 51 }, () => ({ name: "c", type: "textfield" }));
    return "custom_fields";
  }),
  m("custom_fields[i]: bad type, values, ranges", (b, k) => {
    const list = listAt(b, "custom_fields");
    const i = list.length === 0 ? 0 : k % list.length;
    const [field, path] = choose(
      [
        [{ name: "c", type: "dropdown" }, "type"],
        [{ name: "c", type: "checkboxes" }, "values"],
        [{ name: "c", type: "size", values: [] }, "values"],
        [{ name: "c", type: "size", values: [""] }, "values[0]"],
        [{ name: "c", type: "textfield", values: ["a"] }, "values"],
        [{ name: "c", type: "date_picker", range_from: "2026-12-02", range_to: "2026-12-01" }, "range_to"],
        [{ name: "c", type: "date_picker", range_to: "2026-12-01" }, "range_from"],
        [{ name: "c", type: "textarea", range_from: "2026-12-01" }, "range_from"],
        [{ name: "", type: "textarea" }, "name"],
        [{ name: "c", type: "textarea", locale: "en_US!" }, "locale"],
      ] as const,
      k >> 2,
    );
    list[i] = field;
    return `custom_fields[${i}].${path}`;
  }),
  m("allowed_countries: 250; allowed_countries[i]: not a country", (b, k) => {
    if (k % 3 === 0) {
      b.allowed_countries = Array.from({ length: 250 }, () => "DE");
      return "allowed_countries";
    }
    const list = listAt(b, "allowed_countries");
    if (list.length === 0) list.push("DE");
    const i = k % list.length;
    list[i] = choose(["XX", "USA", "", "de-DE", 49, "UK"], k >> 2);
    return `allowed_countries[${i}]`;
  }),
  m("destination: wrong type; bad url or uuid; unknown field", (b, k) => {
    if (k % 6 === 0) {
      b.destination = "https://example.com";
      return "destination";
    }
    const destination = objectAt(b, "destination");
    const [field, value] = choose(
      [
        ["url", "ftp://example.com/a"],
        ["url", "not a url"],
        ["url", `https://example.com/${"a".repeat(2040)}`],
        ["chatbot", "123"],
        ["page", "0b8a1c5e-4f4e-0c7b-9a55-7d7f4a1f2b3c"],
        ["knowledge_base", 5],
        ["email", "a@example.com"],
      ] as const,
      k >> 2,
    );
    destination[field] = value;
    return `destination.${field}`;
  }),
  m("related_product_ids: an id of no product of the org", (b) => {
    const list = listAt(b, "related_product_ids");
    // With duplicates in the list the server names the wrong index: see "related_product_ids
    // failures name the body's index" below, which keeps that case.
    if (new Set(list).size !== list.length || list.length >= 50) return undefined;
    list.push(FAKE_ID);
    return `related_product_ids[${list.length - 1}]`;
  }),
  m("related_product_ids: 51, not a list; related_product_ids[i]: wrong type", (b, k) => {
    if (k % 3 === 2) {
      const list = listAt(b, "related_product_ids");
      list.push(5);
      return `related_product_ids[${list.length - 1}]`;
    }
    b.related_product_ids = k % 3 === 0 ? Array.from({ length: 51 }, (_, index) => `prod_${index}`) : FAKE_ID;
    return "related_product_ids";
  }),
  m("options: 6, not a list", (b, k) => {
    b.options =
      k % 2 === 0
        ? Array.from({ length: 6 }, (_, index) => ({ name: `o${index}`, values: ["a"] }))
        : { name: "Size" };
    return "options";
  }),
  m("options[i]: bad name, values, display; unknown field", (b, k) => {
    const [i, option] = itemAt(b, "options", k, () => ({ name: "Size", values: ["S"] }));
    const values = asList(option.values);
    switch ((k >> 2) % 7) {
      case 0:
        option.name = choose(["", "   ", "o".repeat(129)], k);
        return `options[${i}].name`;
      case 1:
        option.values = [];
        return `options[${i}].values`;
      case 2:
        option.values = Array.from({ length: 101 }, (_, index) => `v${index}`);
        return `options[${i}].values`;
      case 3: {
        const j = k % Math.max(values.length, 1);
        values[j] = choose(["", "  ", "v".repeat(129)], k);
        option.values = values;
        return `options[${i}].values[${j}]`;
      }
      case 4:
        option.display = "list";
        return `options[${i}].display`;
      case 5:
        option.position = 1;
        return `options[${i}].position`;
      default:
        option.localizations = { de: { name: "", values: values } };
        return `options[${i}].localizations.de.name`;
    }
  }),
  m("options[i].values: a value twice", (b, k) => {
    const options = asList(b.options);
    if (options.length === 0) return undefined;
    const i = k % options.length;
    const option = asBody(options[i]);
    const values = asList(option.values);
    if (values.length >= 100 || Object.keys(asBody(option.localizations)).length > 0) return undefined;
    values.push(` ${String(values[0]).trim()} `);
    return `options[${i}].values[${values.length - 1}]`;
  }),
  m("options: two options of one name", (b) => {
    const options = asList(b.options);
    if (options.length === 0 || options.length >= 5) return undefined;
    options.push(clone(options[0]));
    return `options[${options.length - 1}].name`;
  }),
  m("options[i].localizations.<locale>.values: not one per value", (b, k) => {
    const [i, option] = itemAt(b, "options", k, () => ({ name: "Size", values: ["S"] }));
    const values = asList(option.values);
    option.localizations = {
      ...asBody(option.localizations),
      de: { name: "Größe", values: values.length >= 2 ? values.slice(1) : ["a", "b"] },
    };
    return `options[${i}].localizations.de.values`;
  }),
  m("variants: without options; 251; not a list", (b, k) => {
    if (k % 3 === 0) {
      if (asList(b.options).length > 0) return undefined;
      b.variants = [{ options: {} }];
      return "variants";
    }
    b.variants = k % 3 === 1 ? Array.from({ length: 251 }, () => ({ options: {} })) : { options: {} };
    return "variants";
  }),
  m("variants[i]: bad option value, sku, gtin, price, inventory, image; unknown field", (b, k) => {
    const variants = asList(b.variants);
    if (variants.length === 0) return undefined;
    const i = k % variants.length;
    const variant = asBody(variants[i]);
    const options = asBody(variant.options);
    const names = Object.keys(options);
    switch ((k >> 3) % 12) {
      case 0: {
        const name = choose(names, k);
        options[name] = `${String(options[name])} (not a value)`;
        return `variants[${i}].options.${name}`;
      }
      case 1: {
        const name = choose(names, k);
        delete options[name];
        return `variants[${i}].options.${name}`;
      }
      case 2:
        options["No such option"] = "x";
        return `variants[${i}].options.No such option`;
      case 3:
        variant.sku = "s".repeat(65);
        return `variants[${i}].sku`;
      case 4:
        variant.gtin = "4006381333932";
        return `variants[${i}].gtin`;
      case 5:
        variant.prices = [{ currency: "XXX", amount: 1 }];
        return `variants[${i}].prices[0].currency`;
      case 6:
        variant.visible = "y";
        return `variants[${i}].visible`;
      case 7:
        variant.inventory = { quantity: 1.5 };
        return `variants[${i}].inventory.quantity`;
      case 8:
        variant.image_ids = ["img_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK"];
        return `variants[${i}].image_ids[0]`;
      case 9:
        variant.colour = "red";
        return `variants[${i}].colour`;
      case 10:
        variant.options = "S";
        return `variants[${i}].options`;
      default:
        variant.prices = [{ currency: "EUR", amount: MAX_AMOUNT + 1 }];
        return `variants[${i}].prices[0].amount`;
    }
  }),
  m("variants[i].sku: the product's sku", (b, k) => {
    const variants = asList(b.variants);
    if (variants.length === 0 || typeof b.sku !== "string") return undefined;
    const i = k % variants.length;
    asBody(variants[i]).sku = b.sku;
    return `variants[${i}].sku`;
  }),
  m("variants: two variants of one combination", (b) => {
    const variants = asList(b.variants);
    if (variants.length === 0 || variants.length >= 250) return undefined;
    variants.push({ options: clone(asBody(variants[0]).options) });
    return `variants[${variants.length - 1}].options`;
  }),
  m("variants[i].prices: delta without a product price, absolute below 0", (b, k) => {
    const variants = asList(b.variants);
    if (variants.length === 0) return undefined;
    const i = k % variants.length;
    const variant = asBody(variants[i]);
    if (b.variant_pricing === "delta") {
      variant.prices = [
        { currency: CURRENCIES.find((code) => !priceCurrencies(b).includes(code)), amount: 1 },
      ];
      return `variants[${i}].prices[0].currency`;
    }
    variant.prices = [{ currency: "EUR", amount: -1 }];
    return `variants[${i}].prices[0].amount`;
  }),
  m("variant_pricing: not an enum value", (b) => {
    b.variant_pricing = "relative";
    return "variant_pricing";
  }),
  m("image_urls: 11, not a list, an empty url", (b, k) => {
    switch (k % 3) {
      case 0:
        b.image_urls = Array.from({ length: 11 }, (_, index) => `https://images.example/${index}.png`);
        return "image_urls";
      case 1:
        b.image_urls = "https://images.example/a.png";
        return "image_urls";
      default:
        b.image_urls = [""];
        return "image_urls[0]";
    }
  }),
  m("an unknown field", (b, k) => {
    const field = choose(["defaultPrice", "colour", "Name", "price", "currency", "image_url"], k);
    b[field] = 100;
    return field;
  }),
];

/** The first mutation from `start` on that applies to every one of `bodies`. */
function applicable(start: number, bodies: Body[], k: number): Mutation {
  for (let offset = 0; offset < MUTATIONS.length; offset++) {
    const mutation = MUTATIONS[(start + offset) % MUTATIONS.length] as Mutation;
    if (bodies.every((body) => mutation.apply(clone(body), k) !== undefined)) return mutation;
  }
  throw new Error("no mutation applies");
}

/** A merge patch with the one top-level field of `path` as the mutated body has it. */
function patchOf(mutated: Body, path: string): Body {
  const top = path.split(/[.[]/)[0] as string;
  return { [top]: mutated[top] };
}

describe("invalid data", () => {
  it(
    "one field broken: create, PUT and PATCH answer 400 invalid_data naming exactly that field, and write nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          productArb,
          fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(1_000)), { minLength: 1, maxLength: 3 }),
          async (body, picks) => {
            const org = await Org.create();
            const { sent, product } = await created(org, body);
            const ids = [...org.helpers, product.id].sort();
            for (const [start, k] of picks) {
              const mutation = applicable(start, [sent, product], k);
              const attempts: [string, () => Promise<Response>][] = [];
              const forCreate = clone(sent);
              const createField = mutation.apply(forCreate, k) as string;
              attempts.push([`POST ${createField}`, () => org.post(forCreate)]);
              const forPut = clone(product) as Body;
              const putField = mutation.apply(forPut, k) as string;
              attempts.push([`PUT ${putField}`, () => org.put(product.id, forPut)]);
              const forPatch = clone(product) as Body;
              const patchField = mutation.apply(forPatch, k) as string;
              attempts.push([
                `PATCH ${patchField}`,
                () => org.patch(product.id, patchOf(forPatch, patchField)),
              ]);
              const fields = [createField, putField, patchField];
              for (const [index, [label, send]] of attempts.entries()) {
                try {
                  await expectFailures(await send(), [fields[index] as string]);
                  if (index === 0) expect((await org.list()).map((listed) => listed.id).sort()).toEqual(ids);
                  else expect(await json(await org.get(product.id), 200)).toEqual(product);
                } catch (error) {
                  throw new Error(`${mutation.name}: ${label}: ${(error as Error).message}`);
                }
              }
            }
          },
        ),
        { ...PARAMETERS, numRuns: 60 },
      );
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------
// Keys named like Object.prototype members, and the server bugs found around them and elsewhere.

const PROTOTYPE_NAMES = [
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
  "__lookupSetter__",
  "prototype",
  "then",
  "length",
];
const nonNullProp = propValue.filter((value) => value !== null);

/** POSTs raw JSON text (to send an own `__proto__` key, which no object literal makes). */
const postText = (org: Org, text: string) => org.request("/v1/products", { method: "POST", body: text });

describe("keys named like Object.prototype members", () => {
  it(
    "as props keys (top level and nested), option names and variant option keys: kept as sent through POST, GET and PATCH",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.constantFrom(...PROTOTYPE_NAMES), { minLength: 1, maxLength: 3 }),
          propValue,
          fc.constantFrom(...PROTOTYPE_NAMES),
          async (keys, value, optionName) => {
            const org = await Org.create();
            const props: Body = Object.fromEntries(keys.map((key) => [key, value]));
            props.nested = Object.fromEntries(keys.map((key) => [key, { [key]: 1 }]));
            const body = {
              name: "Prototype keys",
              props,
              options: [{ name: optionName, values: ["a", "b"] }],
              variants: [{ options: { [optionName]: "b" } }],
            };
            const product = await json(await org.post(body), 201);
            expect(canonicalJson(product.props)).toBe(canonicalJson(wire(props)));
            expect(product.options).toEqual([
              { name: optionName, values: ["a", "b"], display: "dropdown", localizations: {} },
            ]);
            expect(canonicalJson(asBody(product.variants[0]).options)).toBe(
              canonicalJson({ [optionName]: "b" }),
            );
            expect(await json(await org.get(product.id), 200)).toEqual(product);

            const patch = { [keys[0] as string]: { patched: true }, plain: 1 };
            const patched = await json(await org.patch(product.id, { props: patch }), 200);
            expect(canonicalJson(patched.props)).toBe(canonicalJson(mergePatch(product.props, patch)));
          },
        ),
        { ...PARAMETERS, numRuns: 20 },
      );
    },
    TIMEOUT,
  );

  // A `__proto__` key is refused wherever it is (src/middleware/json-body.ts says why: JSON.parse
  // keeps it as a key, but any copy of the object turns it into the copy's prototype). It used to be
  // dropped silently from props and localizations, and broke variants of an option so named.
  it(
    "a `__proto__` key anywhere in the body is refused naming its path, and nothing is written",
    async () => {
      const cases: ((value: string) => [string, string])[] = [
        (value) => [`{"name":"P","props":{"__proto__":${value},"b":2}}`, "props.__proto__"],
        (value) => [`{"name":"P","props":{"a":[{"__proto__":${value}}]}}`, "props.a[0].__proto__"],
        (value) => [
          `{"name":"P","localizations":{"__proto__":{"name":${value}}}}`,
          "localizations.__proto__",
        ],
        () => [
          '{"name":"P","options":[{"name":"__proto__","values":["a","b"]}],"variants":[{"options":{"__proto__":"a"}}]}',
          "variants[0].options.__proto__",
        ],
      ];
      await fc.assert(
        fc.asyncProperty(
          nonNullProp,
          fc.constantFrom(...cases),
          fc.constantFrom("POST", "PATCH"),
          async (value, make, method) => {
            const org = await Org.create();
            const [text, field] = make(JSON.stringify(value));
            if (method === "POST") {
              await expectFailures(await postText(org, text), [field]);
              expect(await org.list()).toEqual([]);
            } else {
              const product = await json(await org.post({ name: "P" }), 201);
              const response = await org.request(`/v1/products/${product.id}`, {
                method: "PATCH",
                body: text,
                headers: { "Content-Type": "application/merge-patch+json" },
              });
              await expectFailures(response, [field]);
              expect(await json(await org.get(product.id), 200)).toEqual(product);
            }
          },
        ),
        { ...PARAMETERS, numRuns: 20 },
      );
    },
    TIMEOUT,
  );
});

describe("failures found by the properties above, kept as properties of their own", () => {
  // Found (a wrong expectation of the merge-patch property, not a bug): PATCH {"shippable": null}
  // of a product created with "shippable": true reads the same but bumps the version, because the
  // field now follows the type again; the property now counts that as a change. Here, the
  // difference it makes: the same type change is refused while shippable is set, and moves it
  // along once it follows.
  it("PATCH null on a set shippable that equals its default is a change: it follows the type again", async () => {
    const org = await Org.create();
    const pinned = await json(await org.post({ name: "Lamp", shippable: true }), 201);
    await expectFailures(await org.patch(pinned.id, { type: "digital" }), ["shippable"]);
    const following = await json(await org.patch(pinned.id, { shippable: null }), 200);
    expect([following.shippable, following.version]).toEqual([true, pinned.version + 1]);
    const digital = await json(await org.patch(pinned.id, { type: "digital" }), 200);
    expect([digital.shippable, digital.version]).toEqual([false, pinned.version + 2]);
  });

  // Found (fixed): the failure for an unknown related id named its index in the deduplicated
  // list, not in the body. POST {"name":"W","related_product_ids":["<H>","<H>","prod_00000000000000000000000000"]}
  // (H an existing product) → 400 failures [{"field":"related_product_ids[1]", …}]: index 1 is H,
  // the unknown id is at index 2. Without duplicates the invalid-data property above checks it.
  it(
    "related_product_ids: an unknown id's failure names its index in the body, duplicates before it included",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom("@0", "@1"), { maxLength: 3 }),
          fc.nat(),
          fc.constantFrom("POST", "PATCH"),
          async (rest, k, method) => {
            const org = await Org.create();
            const resolved = asList(
              (await org.resolveRelated({ related_product_ids: ["@0", "@0", ...rest] })).related_product_ids,
            );
            const at = 2 + (k % (resolved.length - 1));
            const related = [...resolved.slice(0, at), FAKE_ID, ...resolved.slice(at)];
            if (method === "POST") {
              await expectFailures(await org.post({ name: "W", related_product_ids: related }), [
                `related_product_ids[${at}]`,
              ]);
            } else {
              const product = await json(await org.post({ name: "W" }), 201);
              await expectFailures(await org.patch(product.id, { related_product_ids: related }), [
                `related_product_ids[${at}]`,
              ]);
            }
          },
        ),
        { ...PARAMETERS, numRuns: 10 },
      );
    },
    TIMEOUT,
  );

  // Found (fixed; the contract: options' `localizations?: {locale: {name, values}}`): keys of an
  // option's localizations were not checked (nor made canonical, unlike the product's own). POST
  // {"name":"W","options":[{"name":"Size","values":["S"],"localizations":{"not a locale!":{"name":"x","values":["y"]}}}]}
  // → 201, the key stored as sent.
  it(
    "options[i].localizations: a key that is not a BCP 47 tag is refused naming it, and nothing is written",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("not a locale!", "en_US", "x".repeat(40), "e", "12"),
          async (key) => {
            const org = await Org.create();
            const body = {
              name: "W",
              options: [
                { name: "Size", values: ["S"], localizations: { [key]: { name: "Größe", values: ["K"] } } },
              ],
            };
            await expectFailures(await org.post(body), [`options[0].localizations.${key}`]);
            expect(await org.list()).toEqual([]);
          },
        ),
        { ...PARAMETERS, numRuns: 10 },
      );
    },
    TIMEOUT,
  );
});
