import { z } from "@hono/zod-openapi";
import { isCurrency } from "../../lib/currencies";
import { TamioDate } from "./tamio.dates";

// Tamio's service product, as its create-service page documents it (docs/compat.md, "Tamio"):
// snake_case, ids as UUIDs, prices in minor units per lower-case currency (`pricing_model`), texts
// per language (`languages`), dates in Unix seconds or `… +0000`. What a create sends
// (TamioServiceInput, mapped to /v1 by tamio.create.ts) and what every answer is (TamioProduct,
// made by tamio.answer.ts). The /v1 rules (lengths, ranges, identifiers) check what is mapped.

const Currency = z
  .string()
  .refine((code) => isCurrency(code.toUpperCase()), {
    error: (issue) => `Unknown currency '${issue.input}'.`,
  })
  .openapi({
    example: "eur",
    pattern: "^[A-Za-z]{3}$",
    description: "A code of `GET /v1/currencies`, any case; answered lower-case.",
  });

const PricingModelInput = z
  .strictObject({
    currency: Currency,
    price: z.int().openapi({ example: 1200, description: "Minor units (1200 is 12.00 EUR)." }),
    recommended_seller_price: z.int().nullable().optional().openapi({
      description: "The price's `compare_at_amount`, minor units; 0 or absent is none.",
    }),
    acquisition_price: z.int().nullable().optional().openapi({
      description: "The price's `cost_amount`, minor units; absent is none.",
    }),
  })
  .openapi("TamioPricingModelInput");

const LanguageInput = z
  .strictObject({
    title: z.string().openapi({ example: "Blue t-shirt", description: "1–512 characters after trimming." }),
    description: z.string().nullable().optional().openapi({ description: "≤ 5000 characters." }),
    seo_title: z.string().nullable().optional().openapi({ description: "≤ 256 characters." }),
    seo_description: z.string().nullable().optional().openapi({ description: "≤ 1024 characters." }),
    slug: z.string().nullable().optional().openapi({
      example: "blue-t-shirt",
      description:
        "Lower-case words joined by hyphens, unique per org and language; made from the title when absent.",
    }),
  })
  .openapi("TamioLanguageInput");

const languageKeys = {
  propertyNames: { maxLength: 35, pattern: "^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z0-9]{1,8})*$" },
} as object;

const Languages = z
  .record(z.string(), LanguageInput)
  .refine((languages) => Object.keys(languages).length > 0, {
    message: "At least one language with a title.",
  })
  .openapi({
    ...languageKeys,
    minProperties: 1,
    description:
      "Language (BCP 47) → the texts in it. `en`, if present, else the first language, is the product's default language.",
  });

const CustomAttributeInput = z
  .strictObject({
    language: z.string().optional().openapi({ example: "en" }),
    name: z.string().openapi({ example: "attribute name" }),
    value: z.string().openapi({ example: "attribute value" }),
  })
  .openapi("TamioCustomAttributeInput");

/** Tamio's custom field types; its page prints `date picker`, its underscores lost: both are taken. */
const CUSTOM_FIELD_TYPES = [
  "size",
  "checkboxes",
  "textfield",
  "textarea",
  "date_picker",
  "date picker",
] as const;

const CustomFieldInput = z
  .strictObject({
    language: z.string().optional().openapi({ example: "en" }),
    name: z.string().openapi({ example: "field name" }),
    type: z.enum(CUSTOM_FIELD_TYPES),
    values: z.array(z.string()).optional().openapi({ description: "For `checkboxes` and `size`." }),
    range_from: TamioDate.optional().openapi({ description: "For `date_picker`: the first date." }),
    range_to: TamioDate.optional().openapi({ description: "For `date_picker`: the last date." }),
  })
  .openapi("TamioCustomFieldInput");

export const OPTION_TYPES = { "dropdown list": "dropdown", "radio buttons": "radio" } as const;

const LanguageMap = z.record(z.string(), z.string()).openapi(languageKeys);

const OptionInput = z
  .strictObject({
    label: LanguageMap.openapi({ example: { en: "size", de: "größe" } }),
    values: z.array(LanguageMap).openapi({ example: [{ en: "large", de: "groß" }] }),
    type: z
      .enum(["dropdown list", "radio buttons"])
      .optional()
      .openapi({ description: "Default `dropdown list`." }),
  })
  .openapi("TamioOptionInput");

const VariantPricingModelInput = z
  .strictObject({
    currency: Currency,
    price: z
      .int()
      .openapi({ description: "Minor units; with `delta_pricing`, added to the product's price." }),
  })
  .openapi("TamioVariantPricingModelInput");

const VariantOptions = z
  .union([z.array(z.record(z.string(), z.string())), z.record(z.string(), z.record(z.string(), z.string()))])
  .openapi({
    description:
      'The variant\'s value of each option: `{"en": {"size": "large"}}` (language → label → value), or, as Tamio\'s example prints it, `[{"size": "large", "größe": "groß"}]` (label → value in any of the option\'s languages).',
  });

const VariantInput = z
  .strictObject({
    options: VariantOptions,
    stock: z.int().optional(),
    unlimited_stock: z.boolean().optional().openapi({ description: "Default false: `stock` counts." }),
    shown: z.boolean().optional(),
    gallery: z.array(z.string()).optional().openapi({ description: "Image ids of this product." }),
    pricing_model: z.array(VariantPricingModelInput).optional(),
  })
  .openapi("TamioVariantInput");

const VariationsInput = z
  .strictObject({
    delta_pricing: z
      .boolean()
      .optional()
      .openapi({ description: "Default false: variant prices are their own." }),
    options: z.array(OptionInput).optional(),
    variants: z.array(VariantInput).optional(),
  })
  .openapi("TamioVariationsInput");

const flag = (description: string) => z.boolean().optional().openapi({ description });
const date = (description: string) => TamioDate.nullable().optional().openapi({ description });

export const TamioServiceInput = z
  .strictObject({
    tax_category: z
      .string()
      .nullable()
      .optional()
      .openapi({ example: "digital services", description: "1–64 characters." }),
    tax_calculation: z.enum(["exclusive", "inclusive"]).optional().openapi({
      description: "Not among Tamio's body parameters, but in its answer: accepted too. Default `exclusive`.",
    }),
    pricing_model: z.array(PricingModelInput).optional().openapi({
      description: "One price per currency (≤ 50); the first is the default currency's.",
    }),
    languages: Languages,
    unlimited_stock: flag("Default false: `stock` counts."),
    stock: z
      .int()
      .optional()
      .openapi({ description: "0 … 1 000 000 000 (below 0 only with allow_negative_stock)." }),
    stock_limit_warning: z
      .int()
      .nullable()
      .optional()
      .openapi({ description: "Refused with unlimited_stock." }),
    max_units: z.int().nullable().optional(),
    min_units: z.int().nullable().optional().openapi({ description: "Default 1." }),
    allow_negative_stock: flag(
      "Not among Tamio's body parameters, but in its answer: accepted too. Default false.",
    ),
    buyable: flag("Default true."),
    on_sale: flag("Default false."),
    discount_allowed: flag("Default true."),
    reviews_allowed: flag("Default false."),
    shown: flag("Default true."),
    exclude_from_feed: flag("Default false."),
    new_from: date("Brand new from this date."),
    new_to: date("Not new after this date."),
    expiry_date: date("Not for sale after this date."),
    release_date: date("For sale from this date."),
    gallery: z
      .array(z.string())
      .optional()
      .openapi({ description: "Image ids of this product: none exist before it is created, so only `[]`." }),
    related_products: z
      .array(z.string())
      .optional()
      .openapi({ description: "Product ids (UUIDs) of this org." }),
    whitelist: z
      .array(z.string())
      .optional()
      .openapi({ description: "ISO 3166-1 alpha-2 codes; empty: everywhere." }),
    custom_attributes: z.array(CustomAttributeInput).optional(),
    custom_fields: z.array(CustomFieldInput).optional(),
    variations: VariationsInput.optional(),
  })
  .openapi("TamioServiceInput", {
    example: {
      unlimited_stock: true,
      tax_category: "digital services",
      pricing_model: [{ currency: "eur", price: 1000 }],
      languages: { en: { title: "my awesome product" } },
    },
  });

export type TamioServiceInput = z.output<typeof TamioServiceInput>;

const Uuid = z.uuid().openapi({ example: "cbadfed2-4464-452c-a146-6f064c863953" });
const TamioText = z.string().openapi({ example: "2022-10-20 23:42:05 +0000" });

const TamioPricingModel = z
  .object({
    id: Uuid.openapi({ description: "Stable per product and currency (docs/compat.md)." }),
    object: z.literal("pricing_model"),
    currency: z.string().openapi({ example: "eur" }),
    price: z.int(),
    recommended_seller_price: z.int(),
    acquisition_price: z.int(),
  })
  .openapi("TamioPricingModel");

const TamioLanguage = z
  .object({
    title: z.string(),
    seo_title: z.string().nullable(),
    description: z.string().nullable(),
    seo_description: z.string().nullable(),
    slug: z.string().nullable(),
  })
  .openapi("TamioLanguage");

export const TamioProduct = z
  .object({
    id: Uuid.openapi({ description: "The product's id: its ULID's 128 bits as a UUID." }),
    object: z.literal("product"),
    name: z.string(),
    classification: z.string().nullable().openapi({ description: "The tax category." }),
    created: TamioText,
    created_unix: z.int(),
    price: z.int().nullable().openapi({ description: "The default currency's price; null without prices." }),
    currency: z.string().nullable().openapi({ example: "eur" }),
    gallery: z.array(z.string()),
    in_stock: z.boolean(),
    type: z.string().openapi({ description: "`digital service`, `service`, `physical` or `digital`." }),
    updated: TamioText,
    updated_unix: z.int(),
    on_sale: z.boolean(),
    discount_allowed: z.boolean(),
    reviews_allowed: z.boolean(),
    hide_if_no_stock: z.null().openapi({ description: "Always null: no such setting here." }),
    shown: z.boolean(),
    description: z.string().nullable(),
    seo_description: z.string().nullable(),
    seo_title: z.string().nullable(),
    stock: z.int().nullable().openapi({ description: "null with unlimited stock." }),
    tax_calculation: z.enum(["exclusive", "inclusive"]),
    has_variations: z.boolean(),
    unlimited_stock: z.boolean(),
    pricing_model: z.array(TamioPricingModel),
    related_products: z.array(Uuid).nullable().openapi({ description: "null when there are none." }),
    custom_attributes: z
      .array(z.object({ language: z.string(), name: z.string(), value: z.string() }))
      .nullable()
      .openapi({ description: "null when there are none." }),
    min_units: z.int().nullable().openapi({ description: "null when it is 1." }),
    max_units: z.int().nullable(),
    stock_limit_warning: z.int().nullable(),
    allow_negative_stock: z.boolean(),
    additional_information: z.object({
      sample: z.boolean().openapi({ description: "Always false: no samples here." }),
      release_date_unix: z.int().nullable(),
      release_date: TamioText.nullable(),
      expiry_date_unix: z.int().nullable(),
      expiry_date: TamioText.nullable(),
      new_from_unix: z.int().nullable(),
      new_from: TamioText.nullable(),
      new_to_unix: z.int().nullable(),
      new_to: TamioText.nullable(),
      exclude_from_feed: z.boolean(),
    }),
    languages: z.record(z.string(), TamioLanguage),
    is_moss_product: z
      .boolean()
      .openapi({ description: "The tax category is `digital services` (EU VAT MOSS)." }),
  })
  .openapi("TamioProduct");

export const TamioProductAnswer = z
  .object({ product: TamioProduct, status: z.literal(200) })
  .openapi("TamioProductAnswer");
