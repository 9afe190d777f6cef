import type { z } from "@hono/zod-openapi";
import { type ProductRow, toProduct } from "../../products";
import { uuidOf } from "../dialect";
import { answeredDate } from "./tamio.dates";
import type { TamioProduct } from "./tamio.model";

// The stored product as Tamio answers it, key for key as its documented response (docs/compat.md,
// "Tamio"): the default language's texts, the default currency's price, dates in both of Tamio's
// forms, and the values Tamio has and we do not as constants.

/**
 * A pricing model's id: stable per product and currency, with nothing stored for it. The first 16
 * bytes of SHA-256(`<product id>:<CURRENCY>`) as a UUID of version 8 (RFC 9562, custom).
 */
export async function pricingModelId(productId: string, currency: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${productId}:${currency.toUpperCase()}`)),
  ).slice(0, 16);
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const isDigitalServices = (taxCategory: string | null) =>
  taxCategory?.trim().toLowerCase() === "digital services";

/** The stored product as Tamio answers it: texts of the default language, prices per currency. */
export async function toTamio(row: ProductRow, origin: string): Promise<z.input<typeof TamioProduct>> {
  const product = toProduct(row, origin);
  const defaultPrice = product.prices.find((price) => price.currency === product.default_currency);
  const { inventory } = product;
  const stock =
    inventory.tracking === "none"
      ? null
      : inventory.tracking === "product"
        ? inventory.quantity
        : product.variants.reduce(
            (sum, variant) =>
              sum + (variant.inventory?.tracked === false ? 0 : (variant.inventory?.quantity ?? 0)),
            0,
          );
  const release = answeredDate(product.available_from);
  const expiry = answeredDate(product.available_to, true);
  const newFrom = answeredDate(product.new_from);
  const newTo = answeredDate(product.new_to, true);
  const created = answeredDate(product.created_at);
  const updated = answeredDate(product.updated_at);
  const language = (entry: {
    name: string;
    description: string | null;
    slug: string | null;
    seo: { title: string | null; description: string | null };
  }) => ({
    title: entry.name,
    seo_title: entry.seo.title,
    description: entry.description,
    seo_description: entry.seo.description,
    slug: entry.slug,
  });
  return {
    id: uuidOf(product.id),
    object: "product",
    name: product.name,
    classification: product.tax_category,
    created: created.text as string,
    created_unix: created.unix as number,
    price: defaultPrice?.amount ?? null,
    currency: product.default_currency?.toLowerCase() ?? null,
    gallery: product.images.map((image) => uuidOf(image.id)),
    in_stock: product.in_stock,
    type:
      product.type === "service"
        ? isDigitalServices(product.tax_category)
          ? "digital service"
          : "service"
        : product.type,
    updated: updated.text as string,
    updated_unix: updated.unix as number,
    on_sale: product.on_sale,
    discount_allowed: product.discountable,
    reviews_allowed: product.reviews_allowed,
    hide_if_no_stock: null,
    shown: product.visible,
    description: product.description,
    seo_description: product.seo.description,
    seo_title: product.seo.title,
    stock,
    tax_calculation: product.tax_behavior,
    has_variations: product.variants.length > 0,
    unlimited_stock: inventory.tracking === "none",
    pricing_model: await Promise.all(
      product.prices.map(async (price) => ({
        id: await pricingModelId(product.id, price.currency),
        object: "pricing_model" as const,
        currency: price.currency.toLowerCase(),
        price: price.amount,
        recommended_seller_price: price.compare_at_amount ?? 0,
        acquisition_price: price.cost_amount ?? 0,
      })),
    ),
    related_products: product.related_product_ids.length > 0 ? product.related_product_ids.map(uuidOf) : null,
    custom_attributes:
      product.attributes.length > 0
        ? product.attributes.map((attribute) => ({
            language: attribute.locale ?? product.default_locale,
            name: attribute.name,
            value: attribute.value,
          }))
        : null,
    min_units: inventory.min_order_quantity === 1 ? null : inventory.min_order_quantity,
    max_units: inventory.max_order_quantity,
    stock_limit_warning: inventory.low_stock_threshold,
    allow_negative_stock: inventory.allow_backorder,
    additional_information: {
      sample: false,
      release_date_unix: release.unix,
      release_date: release.text,
      expiry_date_unix: expiry.unix,
      expiry_date: expiry.text,
      new_from_unix: newFrom.unix,
      new_from: newFrom.text,
      new_to_unix: newTo.unix,
      new_to: newTo.text,
      exclude_from_feed: product.exclude_from_feeds,
    },
    languages: {
      [product.default_locale]: language({ ...product, slug: product.slug }),
      ...Object.fromEntries(
        Object.entries(product.localizations).map(([key, entry]) => [key, language(entry)]),
      ),
    },
    is_moss_product: isDigitalServices(product.tax_category),
  };
}
