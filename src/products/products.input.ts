import { z } from "@hono/zod-openapi";
import { isCountry } from "../lib/countries";
import { isCurrency, MARKUP_DECIMALS, MAX_AMOUNT } from "../lib/currencies";
import { normalizeGtin } from "../lib/gtin";
import { canonicalIdentifier } from "../lib/identifiers";
import { canonicalLocale } from "../lib/locale";
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from "../lib/slug";
import { DateOrDateTime, identifier, text } from "../shared/schemas";
import { PRODUCT_DEFAULTS } from "./products.defaults";

// What a client sends: every writable field of a product (ProductInput, for POST and PUT; a PATCH is
// a merge patch of it) and an inventory adjustment. The answer's shape is products.output.ts.

const MAX_IMAGE_URLS = 10;

export const STATUSES = ["unconfigured", "active", "inactive", "archived"] as const;
export const TYPES = ["physical", "service", "digital"] as const;

const Amount = z.int().min(0).max(MAX_AMOUNT).openapi({ example: 1299 });

const Currency = z
  .string()
  .refine((code) => isCurrency(code.toUpperCase()), {
    error: (issue) => `Unknown currency '${issue.input}'.`,
  })
  .openapi({
    example: "EUR",
    pattern: "^[A-Za-z]{3}$",
    description:
      "A code of `GET /v1/currencies` (ISO 4217, plus ANG, CUC, HRK, SLL, ZWL), case-insensitive in, upper-case out.",
  });

const PriceInput = z
  .strictObject({
    currency: Currency,
    amount: Amount.optional().openapi({
      description: "Minor units. Absent: derived from cost_amount and markup_percent.",
    }),
    compare_at_amount: Amount.nullable().optional(),
    cost_amount: Amount.nullable().optional(),
    markup_percent: z
      .number()
      .min(-100)
      .max(100_000)
      .refine(
        (value) => Math.abs(value * 10 ** MARKUP_DECIMALS - Math.round(value * 10 ** MARKUP_DECIMALS)) < 1e-6,
        {
          message: `At most ${MARKUP_DECIMALS} decimals.`,
        },
      )
      .nullable()
      .optional(),
  })
  .openapi("PriceInput");

const PROPS_MAX_BYTES = 16 * 1024;
const PROPS_MAX_DEPTH = 5;

function depth(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depth(child));
  return deepest + 1;
}

const Props = z
  .record(z.string(), z.unknown())
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= PROPS_MAX_BYTES, {
    message: "Must be at most 16 KiB serialised.",
  })
  .refine((value) => depth(value) <= PROPS_MAX_DEPTH, { message: "Must be nested at most 5 levels deep." })
  .openapi({
    description: "Free-form JSON object, ≤ 16 KiB serialised, depth ≤ 5.",
    example: { material: "stainless steel" },
  });

const Gtin = z
  .string()
  .refine((value) => "gtin" in normalizeGtin(value), {
    error: (issue) => {
      const result = normalizeGtin(String(issue.input));
      return "error" in result ? result.error : "Invalid GTIN.";
    },
  })
  .openapi({
    example: "4006381333931",
    pattern: "^[\\s-]*(([0-9][\\s-]*){8}|([0-9][\\s-]*){12,14})$",
    description: "GTIN-8/12/13/14 with a valid check digit; spaces and hyphens are stripped.",
  });

// The language subtag has 2–3 or 5–8 letters (Intl refuses 1 and 4).
const LOCALE_PATTERN = "^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z0-9]{1,8})*$";

/**
 * A map keyed by locale, as the document says it: JSON Schema's `propertyNames`, which the
 * metadata type of zod-openapi lacks but passes through (valid in OpenAPI 3.1).
 */
const localeKeys = { propertyNames: { maxLength: 35, pattern: LOCALE_PATTERN } } as object;

/** A BCP 47 tag, stored in its canonical form. */
export const Locale = z
  .string()
  .refine((tag) => canonicalLocale(tag) !== undefined, {
    error: (issue) => `Not a BCP 47 language tag: '${issue.input}'.`,
  })
  .transform((tag) => canonicalLocale(tag) as string)
  .openapi({
    example: "pt-BR",
    maxLength: 35,
    pattern: LOCALE_PATTERN,
    description: "BCP 47 language tag (`en`, `pt-BR`); stored canonical.",
  });

const Country = z
  .string()
  .refine((code) => isCountry(code.toUpperCase()), {
    error: (issue) => `Not an ISO 3166-1 alpha-2 country code: '${issue.input}'.`,
  })
  .transform((code) => code.toUpperCase())
  .openapi({
    example: "DE",
    pattern: "^[A-Za-z]{2}$",
    description: "ISO 3166-1 alpha-2, case-insensitive in, upper-case out.",
  });

const Seo = z
  .strictObject({
    title: text(0, 256).nullable().default(null),
    description: text(0, 1024).nullable().default(null),
  })
  .openapi("Seo");

/** `seo` as a product or a localization takes it: null or absent is both fields null. */
const SeoField = Seo.nullable()
  .default(null)
  .transform((seo) => seo ?? { title: null, description: null });

const Slug = z
  .string()
  .max(MAX_SLUG_LENGTH)
  .regex(SLUG_PATTERN, { message: "Lower-case words of a-z and 0-9 joined by single hyphens." })
  .openapi({ example: "espresso-machine" });

const MAX_LOCALIZATIONS = 50;

const Localization = z
  .strictObject({
    name: text(1, 512, { trim: true }),
    description: text(0, 5000).nullable().default(null),
    slug: Slug.nullable()
      .default(null)
      .openapi({ description: "Unique per org and locale; generated from the name when absent." }),
    seo: SeoField,
  })
  .openapi("Localization");

const Attribute = z
  .strictObject({ name: text(1, 128), value: text(1, 1024), locale: Locale.optional() })
  .openapi("Attribute");

export const CUSTOM_FIELD_TYPES = ["size", "checkboxes", "textfield", "textarea", "date_picker"] as const;

const CustomField = z
  .strictObject({
    name: text(1, 128),
    type: z.enum(CUSTOM_FIELD_TYPES),
    values: z.array(text(1, 128)).min(1).max(100).optional().openapi({
      description: "The choices: required for `checkboxes` and `size`, refused for the other types.",
    }),
    range_from: DateOrDateTime.optional().openapi({ description: "`date_picker` only: the first date." }),
    range_to: DateOrDateTime.optional().openapi({ description: "`date_picker` only: the last date." }),
    locale: Locale.optional(),
  })
  .openapi("CustomField", { description: "An input the buyer fills in when ordering." });

/** An absolute http(s) URL. */
const HttpUrl = text(1, 2048).refine(
  (value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: "Must be an absolute http or https URL." },
);

const Destination = z
  .strictObject({
    url: HttpUrl.optional(),
    chatbot: z.uuid().optional(),
    page: z.uuid().optional(),
    knowledge_base: z.uuid().optional(),
  })
  .openapi("Destination", {
    description: "Where a scan leads: a URL, or the UUIDs of a chatbot, page or knowledge base.",
  });

export const MAX_QUANTITY = 1_000_000_000;
const Quantity = z.int().min(-MAX_QUANTITY).max(MAX_QUANTITY);

const Inventory = z
  .strictObject({
    tracking: z.enum(["none", "product", "variant"]).default("none").openapi({
      description:
        "`none`: always in stock; `product`: `quantity` counts; `variant`: each variant's own quantity counts.",
    }),
    quantity: Quantity.default(0).openapi({ description: "Below 0 only with `allow_backorder`." }),
    low_stock_threshold: z.int().min(0).max(MAX_QUANTITY).nullable().default(null),
    allow_backorder: z.boolean().default(false),
    min_order_quantity: z.int().min(1).max(MAX_QUANTITY).default(1),
    max_order_quantity: z.int().min(1).max(MAX_QUANTITY).nullable().default(null),
  })
  .openapi("Inventory");

const MAX_OPTIONS = 5;
const MAX_VARIANTS = 250;

const OptionValues = z.array(identifier(1, 128)).min(1).max(100);

const ProductOption = z
  .strictObject({
    name: identifier(1, 128),
    values: OptionValues,
    display: z.enum(["dropdown", "radio"]).default("dropdown"),
    localizations: z
      .record(z.string(), z.strictObject({ name: text(1, 128, { trim: true }), values: OptionValues }))
      .default({})
      .openapi({
        description: "Locale → the option's name and its values, in the same order.",
        ...localeKeys,
      }),
  })
  .openapi("ProductOption");

const VariantPrice = z
  .strictObject({
    currency: Currency,
    amount: z.int().min(-MAX_AMOUNT).max(MAX_AMOUNT).openapi({
      description:
        "Minor units: the price (`absolute`), or what is added to the product's price of the currency (`delta`, may be negative).",
    }),
  })
  .openapi("VariantPrice");

const Variant = z
  .strictObject({
    id: z
      .string()
      .optional()
      .openapi({ readOnly: true, description: "Read-only: kept while the option combination stays." }),
    options: z
      .record(z.string(), z.string())
      // Compared with the options' names and values as those are: trimmed, NFC.
      .overwrite((options) =>
        Object.fromEntries(
          Object.entries(options).map(([name, value]) => [
            canonicalIdentifier(name),
            canonicalIdentifier(value),
          ]),
        ),
      )
      .openapi({ description: "Option name → one of its values." }),
    sku: identifier(1, 64).nullable().default(null),
    gtin: Gtin.nullable().default(null),
    prices: z.array(VariantPrice).max(50).default([]),
    inventory: z
      .strictObject({
        quantity: Quantity.default(0),
        allow_backorder: z.boolean().default(false),
        tracked: z.boolean().default(true).openapi({
          description:
            "With `inventory.tracking: variant`: false is always in stock (its quantity is kept but not counted), as Shopify's InventoryItem `tracked`.",
        }),
      })
      .nullable()
      .default(null),
    visible: z.boolean().default(true),
    image_ids: z.array(text(1, 64)).max(50).default([]).openapi({ description: "Images of this product." }),
    in_stock: z.boolean().optional().openapi({ readOnly: true, description: "Read-only." }),
  })
  .openapi("Variant");

/** Write-only: URLs the Worker fetches into the product's images (the contract, Images). */
export const ImageUrls = z
  .array(text(1, 2048))
  .max(MAX_IMAGE_URLS)
  .openapi({
    description: `Write-only. Up to ${MAX_IMAGE_URLS} https URLs of JPEG, PNG, GIF, WebP or AVIF images (≤ 10 MiB each), fetched and stored; one that fails is listed in \`failed_image_urls\` and \`image_errors\` and does not fail the request.`,
    example: ["https://cdn.example.com/espresso-front.jpg"],
  });

/** Every writable field of a product. Unknown fields are refused, naming them. */
export const ProductInput = z
  .strictObject({
    name: text(1, 512, { trim: true }).openapi({ example: "Espresso machine" }),
    description: text(0, 5000).nullable().default(PRODUCT_DEFAULTS.description),
    status: z.enum(STATUSES).default(PRODUCT_DEFAULTS.status),
    type: z.enum(TYPES).default(PRODUCT_DEFAULTS.type),
    shippable: z.boolean().optional().openapi({ description: "Default: true for physical products." }),
    schedule_appointment: z.boolean().default(PRODUCT_DEFAULTS.schedule_appointment),
    sku: identifier(1, 64).nullable().default(PRODUCT_DEFAULTS.sku),
    gtin: Gtin.nullable().default(PRODUCT_DEFAULTS.gtin),
    tax_category: text(1, 64).nullable().default(PRODUCT_DEFAULTS.tax_category),
    tax_behavior: z.enum(["exclusive", "inclusive"]).default(PRODUCT_DEFAULTS.tax_behavior),
    prices: z.array(PriceInput).max(50).default(PRODUCT_DEFAULTS.prices),
    default_currency: Currency.nullable()
      .optional()
      .openapi({ description: "Default: the first price's currency." }),
    features: z.array(text(1, 512)).max(100).default(PRODUCT_DEFAULTS.features),
    tags: z.array(identifier(1, 64)).max(50).default(PRODUCT_DEFAULTS.tags),
    props: Props.default(PRODUCT_DEFAULTS.props),
    agent_ids: z.array(identifier(1, 128)).max(100).default(PRODUCT_DEFAULTS.agent_ids),
    slug: Slug.nullable()
      .default(PRODUCT_DEFAULTS.slug)
      .openapi({ description: "Unique per org in the default locale; generated from the name when absent." }),
    seo: SeoField,
    default_locale: Locale.default(PRODUCT_DEFAULTS.default_locale),
    localizations: z
      .record(z.string(), Localization)
      .refine((map) => Object.keys(map).length <= MAX_LOCALIZATIONS, {
        message: `At most ${MAX_LOCALIZATIONS} locales.`,
      })
      .default(PRODUCT_DEFAULTS.localizations)
      .openapi({
        ...localeKeys,
        maxProperties: MAX_LOCALIZATIONS,
        description:
          "Locale (BCP 47) → {name, description, slug, seo}. The default_locale's entry, if sent, is the product's own fields.",
      }),
    visible: z.boolean().default(PRODUCT_DEFAULTS.visible),
    buyable: z.boolean().default(PRODUCT_DEFAULTS.buyable),
    on_sale: z.boolean().default(PRODUCT_DEFAULTS.on_sale),
    discountable: z.boolean().default(PRODUCT_DEFAULTS.discountable),
    reviews_allowed: z.boolean().default(PRODUCT_DEFAULTS.reviews_allowed),
    exclude_from_feeds: z.boolean().default(PRODUCT_DEFAULTS.exclude_from_feeds),
    available_from: DateOrDateTime.nullable().default(PRODUCT_DEFAULTS.available_from),
    available_to: DateOrDateTime.nullable().default(PRODUCT_DEFAULTS.available_to),
    new_from: DateOrDateTime.nullable().default(PRODUCT_DEFAULTS.new_from),
    new_to: DateOrDateTime.nullable().default(PRODUCT_DEFAULTS.new_to),
    attributes: z.array(Attribute).max(200).default(PRODUCT_DEFAULTS.attributes),
    custom_fields: z.array(CustomField).max(50).default(PRODUCT_DEFAULTS.custom_fields),
    allowed_countries: z
      .array(Country)
      .max(249)
      .default(PRODUCT_DEFAULTS.allowed_countries)
      .openapi({ description: "Where the product may be sold; empty: everywhere. Deduplicated." }),
    destination: Destination.nullable().default(PRODUCT_DEFAULTS.destination),
    related_product_ids: z.array(text(1, 64)).max(50).default(PRODUCT_DEFAULTS.related_product_ids).openapi({
      description: "Other products of the same org; deduplicated. A deleted product leaves the list.",
    }),
    options: z.array(ProductOption).max(MAX_OPTIONS).default(PRODUCT_DEFAULTS.options),
    variants: z.array(Variant).max(MAX_VARIANTS).default(PRODUCT_DEFAULTS.variants),
    variant_pricing: z.enum(["absolute", "delta"]).default(PRODUCT_DEFAULTS.variant_pricing),
    inventory: Inventory.nullable()
      .default(null)
      .transform((inventory) => inventory ?? PRODUCT_DEFAULTS.inventory),
    image_urls: ImageUrls.nullable().optional(),
  })
  .openapi("ProductInput", {
    example: {
      name: "Espresso machine",
      description: "15 bar pump, stainless steel body.",
      status: "active",
      type: "physical",
      sku: "ESP-001",
      gtin: "4006381333931",
      prices: [
        { currency: "EUR", amount: 24900 },
        { currency: "USD", cost_amount: 10050, markup_percent: 20 },
      ],
      features: ["15 bar pump", "1.2 l tank"],
      tags: ["kitchen", "coffee"],
      props: { material: "stainless steel" },
      agent_ids: ["agent_42"],
    },
  });

export type ProductInput = z.output<typeof ProductInput>;

export const InventoryAdjustment = z
  .strictObject({
    delta: Quantity.refine((delta) => delta !== 0, { message: "Must not be 0." }).openapi({
      not: { const: 0 },
      description: "Added to `inventory.quantity` (negative to take stock out); not 0.",
      example: -2,
    }),
    reason: text(1, 256).optional().openapi({ example: "order 1042" }),
  })
  .openapi("InventoryAdjustment");
