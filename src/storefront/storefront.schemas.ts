import { z } from "@hono/zod-openapi";
import { Locale } from "../products/products.input";
import { Image, Product } from "../products/products.output";
import { ProductListQuery } from "../products/products.query";
import { ListMeta } from "../shared/schemas";

const StorefrontPrice = z.object({
  currency: z.string(),
  amount: z.int(),
  compare_at_amount: z.int().nullable(),
});

/** The public projection (storefront.model.ts builds it): Product's public fields in one locale. */
export const StorefrontProduct = Product.pick({
  id: true,
  object: true,
  name: true,
  description: true,
  seo: true,
  type: true,
  shippable: true,
  schedule_appointment: true,
  sku: true,
  gtin: true,
  tax_category: true,
  tax_behavior: true,
  default_currency: true,
  features: true,
  tags: true,
  buyable: true,
  on_sale: true,
  discountable: true,
  reviews_allowed: true,
  available_from: true,
  available_to: true,
  is_new: true,
  attributes: true,
  custom_fields: true,
  allowed_countries: true,
  related_product_ids: true,
  in_stock: true,
  updated_at: true,
})
  .extend({
    locale: z.string().openapi({
      example: "de",
      description:
        "The locale shown (also `Content-Language`): picked by `?locale=`, else `Accept-Language`, else the product's default. Each preference in turn: the same tag, else a locale of the same language and script by likely subtags (`zh-HK` finds `zh-TW` or `zh-Hant`, never `zh-CN`; `sr-Latn` never `sr`, which is Cyrillic), the closest region first; `no` is `nb`, and `nn` falls back to `nb`/`no`. Text it does not translate is the default locale's.",
    }),
    slug: z.string().nullable(),
    slugs: z
      .record(z.string(), z.string())
      .openapi({ description: "Locale → the product's slug there, for links to other languages." }),
    prices: z.array(StorefrontPrice),
    options: z.array(
      z.object({ name: z.string(), values: z.array(z.string()), display: z.enum(["dropdown", "radio"]) }),
    ),
    variants: z
      .array(
        z.object({
          id: z.string(),
          options: z.record(z.string(), z.string()),
          sku: z.string().nullable(),
          gtin: z.string().nullable(),
          prices: z.array(StorefrontPrice).openapi({
            description:
              "What the variant costs, final: with the product's `delta` pricing, its price of the currency plus the delta (never below 0), `compare_at_amount` moved by the same delta. A currency not listed costs the product's price.",
          }),
          image_ids: z.array(z.string()),
          in_stock: z.boolean(),
        }),
      )
      .openapi({ description: "Visible variants only; option names and values in `locale`." }),
    variant_pricing: z.literal("absolute").openapi({
      description:
        "Always `absolute`: variant prices here are final (the products API keeps a `delta` product's deltas).",
    }),
    min_order_quantity: z.int(),
    max_order_quantity: z.int().nullable(),
    images: z.array(
      Image.pick({
        id: true,
        object: true,
        url: true,
        content_type: true,
        width: true,
        height: true,
        orientation: true,
        alt: true,
        position: true,
      }),
    ),
  })
  .openapi("StorefrontProduct");

export const StorefrontProductList = z
  .object({ ...ListMeta, data: z.array(StorefrontProduct) })
  .openapi("StorefrontProductList");

export const StorefrontListQuery = ProductListQuery.pick({
  limit: true,
  cursor: true,
  q: true,
  tag: true,
}).extend({ locale: Locale.optional() });

export const StorefrontLocaleQuery = z.strictObject({ locale: Locale.optional() });
