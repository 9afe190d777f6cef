import { z } from "@hono/zod-openapi";
import { isCountry } from "../lib/countries";
import { isCurrency, MARKUP_DECIMALS, MAX_AMOUNT } from "../lib/currencies";
import { normalizeGtin } from "../lib/gtin";
import { canonicalIdentifier } from "../lib/identifiers";
import { canonicalLocale } from "../lib/locale";
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from "../lib/slug";
import { DateOrDateTime, identifier, ListMeta, PageLimit, Timestamp, text } from "../shared/schemas";
import { PRODUCT_DEFAULTS } from "./products.defaults";

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
    description: "ISO 4217 code, case-insensitive in, upper-case out.",
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

const CUSTOM_FIELD_TYPES = ["size", "checkboxes", "textfield", "textarea", "date_picker"] as const;

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
      .strictObject({ quantity: Quantity.default(0), allow_backorder: z.boolean().default(false) })
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

/** Fields the API sets; a client may send them back unchanged and they are ignored. */
export const READ_ONLY_FIELDS = [
  "id",
  "object",
  "org_id",
  "images",
  "failed_image_urls",
  "image_errors",
  "total_scans",
  "last_scanned_at",
  "is_available",
  "is_new",
  "in_stock",
  "version",
  "created_at",
  "updated_at",
  "created_by",
  "updated_by",
] as const;

const Price = z
  .object({
    currency: z.string().openapi({ example: "EUR" }),
    amount: z.int(),
    compare_at_amount: z.int().nullable(),
    cost_amount: z.int().nullable(),
    markup_percent: z.number().nullable(),
  })
  .openapi("Price");

export const Image = z
  .object({
    id: z.string().openapi({ example: "img_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("image"),
    url: z.string().openapi({ description: "Absolute URL of GET /images/{id}." }),
    source_url: z
      .string()
      .nullable()
      .openapi({ description: "The URL it was fetched from; null for an upload." }),
    content_type: z.string().openapi({ example: "image/png", description: "Sniffed from the bytes." }),
    size_bytes: z.int(),
    width: z.int().openapi({
      description:
        "Pixels across as shown: the stored width, or the stored height when `orientation` is 5–8 (a quarter turn).",
    }),
    height: z.int().openapi({
      description:
        "Pixels down as shown: the stored height, or the stored width when `orientation` is 5–8 (a quarter turn).",
    }),
    orientation: z.int().min(1).max(8).openapi({
      example: 6,
      description:
        "The EXIF orientation of the bytes, which browsers apply when they show the image (the bytes are served as sent): 1 as stored, 3 half a turn, 6 a quarter turn clockwise, 8 anticlockwise, 2, 4, 5 and 7 their mirror images. Read from a JPEG's Exif APP1 segment and a PNG's `eXIf` chunk before its image data; 1 when there is none, and for GIF, WebP and AVIF (browsers do not turn a WebP by its EXIF, and AVIF's own rotation properties are not read). 1 also for images stored before this field existed, with their size as stored then.",
    }),
    sha256: z.string(),
    alt: z.string().nullable(),
    position: z.int(),
    created_at: Timestamp,
  })
  .openapi("Image");

const ImageError = z
  .object({
    url: z.string(),
    key: z.enum([
      "fetch_failed",
      "http_status",
      "timeout",
      "too_large",
      "not_an_image",
      "blocked_url",
      "too_many_redirects",
    ]),
    message: z.string(),
  })
  .openapi("ImageError");

export const Product = z
  .object({
    id: z.string().openapi({ example: "prod_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK" }),
    object: z.literal("product"),
    org_id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(STATUSES),
    type: z.enum(TYPES),
    shippable: z.boolean(),
    schedule_appointment: z.boolean(),
    sku: z.string().nullable(),
    gtin: z.string().nullable(),
    tax_category: z.string().nullable(),
    tax_behavior: z.enum(["exclusive", "inclusive"]),
    prices: z.array(Price),
    default_currency: z.string().nullable(),
    features: z.array(z.string()),
    tags: z.array(z.string()),
    props: z.record(z.string(), z.unknown()),
    agent_ids: z.array(z.string()),
    slug: z
      .string()
      .nullable()
      .openapi({ description: "Null only for a product stored before slugs existed, until its next write." }),
    seo: z.object({ title: z.string().nullable(), description: z.string().nullable() }),
    default_locale: z.string(),
    localizations: z.record(
      z.string(),
      z.object({
        name: z.string(),
        description: z.string().nullable(),
        slug: z.string(),
        seo: z.object({ title: z.string().nullable(), description: z.string().nullable() }),
      }),
    ),
    visible: z.boolean(),
    buyable: z.boolean(),
    on_sale: z.boolean(),
    discountable: z.boolean(),
    reviews_allowed: z.boolean(),
    exclude_from_feeds: z.boolean(),
    available_from: z.string().nullable(),
    available_to: z.string().nullable(),
    new_from: z.string().nullable(),
    new_to: z.string().nullable(),
    is_available: z.boolean().openapi({
      description:
        "Read-only, computed when read: now (UTC) is inside [available_from, available_to]; a date covers its whole UTC day, a missing end is open.",
    }),
    is_new: z.boolean().openapi({
      description:
        "Read-only, computed when read: new_from or new_to is set and now (UTC) is inside that window.",
    }),
    attributes: z.array(z.object({ name: z.string(), value: z.string(), locale: z.string().optional() })),
    custom_fields: z.array(
      z.object({
        name: z.string(),
        type: z.enum(CUSTOM_FIELD_TYPES),
        values: z.array(z.string()).optional(),
        range_from: z.string().optional(),
        range_to: z.string().optional(),
        locale: z.string().optional(),
      }),
    ),
    allowed_countries: z.array(z.string()),
    related_product_ids: z.array(z.string()),
    options: z.array(
      z.object({
        name: z.string(),
        values: z.array(z.string()),
        display: z.enum(["dropdown", "radio"]),
        localizations: z.record(z.string(), z.object({ name: z.string(), values: z.array(z.string()) })),
      }),
    ),
    variants: z.array(
      z.object({
        id: z.string(),
        options: z.record(z.string(), z.string()),
        sku: z.string().nullable(),
        gtin: z.string().nullable(),
        prices: z.array(z.object({ currency: z.string(), amount: z.int() })),
        inventory: z.object({ quantity: z.int(), allow_backorder: z.boolean() }).nullable(),
        visible: z.boolean(),
        image_ids: z.array(z.string()),
        in_stock: z.boolean(),
      }),
    ),
    variant_pricing: z.enum(["absolute", "delta"]),
    inventory: z.object({
      tracking: z.enum(["none", "product", "variant"]),
      quantity: z.int(),
      low_stock_threshold: z.int().nullable(),
      allow_backorder: z.boolean(),
      min_order_quantity: z.int(),
      max_order_quantity: z.int().nullable(),
    }),
    in_stock: z.boolean().openapi({
      description:
        "Read-only, computed when read: always with tracking `none`; with `product`, quantity above 0 or backorders allowed.",
    }),
    destination: z
      .object({
        url: z.string().optional(),
        chatbot: z.string().optional(),
        page: z.string().optional(),
        knowledge_base: z.string().optional(),
      })
      .nullable(),
    images: z
      .array(Image)
      .openapi({ description: "Read-only: add them with `image_urls` or POST /v1/products/{id}/images." }),
    failed_image_urls: z.array(z.string()).optional().openapi({
      description: "In a write's answer only, when one of its `image_urls` failed: those URLs.",
    }),
    image_errors: z
      .array(ImageError)
      .optional()
      .openapi({ description: "In a write's answer only, when one of its `image_urls` failed: why." }),
    total_scans: z.int(),
    last_scanned_at: Timestamp.nullable(),
    version: z.int(),
    created_at: Timestamp,
    updated_at: Timestamp,
    created_by: z.string().nullable(),
    updated_by: z.string().nullable(),
  })
  .openapi("Product");

export const ProductList = z.object({ ...ListMeta, data: z.array(Product) }).openapi("ProductList");

export const DeletedProduct = z
  .object({ id: z.string(), object: z.literal("product"), deleted: z.literal(true) })
  .openapi("DeletedProduct");

const StatusList = z
  .string()
  .refine(
    (value) => value.split(",").every((status) => (STATUSES as readonly string[]).includes(status.trim())),
    {
      message: `A comma-separated list of ${STATUSES.join(", ")}.`,
    },
  )
  .openapi({
    example: "active,inactive",
    pattern: `^\\s*(${STATUSES.join("|")})\\s*(,\\s*(${STATUSES.join("|")})\\s*)*$`,
  });

export const ProductListQuery = z.strictObject({
  limit: PageLimit,
  cursor: z.string().min(1).max(200).optional().openapi({ description: "next_cursor of the previous page." }),
  order: z.enum(["desc", "asc"]).default("desc").openapi({ description: "desc: newest first." }),
  status: StatusList.optional(),
  type: z.enum(TYPES).optional(),
  tag: identifier(1, 64).optional(),
  agent_id: identifier(1, 128).optional(),
  sku: identifier(1, 64).optional(),
  gtin: text(1, 32).optional(),
  q: text(1, 256, { trim: true }).optional().openapi({
    description: "Full-text search over name, description, tags and features; every word is a prefix.",
  }),
  created_after: DateOrDateTime.optional(),
  created_before: DateOrDateTime.optional(),
  updated_after: DateOrDateTime.optional(),
});

export type ProductListQuery = z.output<typeof ProductListQuery>;

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
