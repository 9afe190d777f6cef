import { lastMillisecondOf, parseDateOrDateTime } from "../lib/dates";
import {
  type Localization,
  type ProductFields,
  type ProductRow,
  type StoredVariant,
  storedFields,
  storedImages,
} from "./products.stored";

// The API's product as read: computed fields (windows, stock, final variant prices) and the
// representation every answer and event renders.

/** Whether `now` is inside a window whose ends are optional dates or date-times (inclusive, UTC). */
export function insideWindow(from: string | null, to: string | null, now: number): boolean {
  if (from !== null && now < (parseDateOrDateTime(from) ?? 0)) return false;
  if (to !== null && now > (lastMillisecondOf(to) ?? 0)) return false;
  return true;
}

/**
 * A variant's prices as a buyer pays them. With `absolute` pricing, its own. With `delta`, the
 * product's price of each currency the variant names plus its delta, never below 0 (the contract; a write
 * refuses a sum below 0, the floor holds whatever a stored row says), the product's compare-at price
 * moved by the same delta, so a sale shows alike on every variant. A delta in a currency the product
 * has no price in is no price; a currency the variant does not name is the product's price.
 */
export function finalVariantPrices(
  fields: Pick<ProductFields, "prices" | "variant_pricing">,
  variant: Pick<StoredVariant, "prices">,
): { currency: string; amount: number; compare_at_amount: number | null }[] {
  if (fields.variant_pricing === "absolute")
    return variant.prices.map((price) => ({ ...price, compare_at_amount: null }));
  const withDelta = (amount: number, delta: number) => Math.max(0, amount + delta);
  return variant.prices.flatMap(({ currency, amount: delta }) => {
    const base = fields.prices.find((price) => price.currency === currency);
    if (!base) return [];
    return [
      {
        currency,
        amount: withDelta(base.amount, delta),
        compare_at_amount: base.compare_at_amount === null ? null : withDelta(base.compare_at_amount, delta),
      },
    ];
  });
}

/** A variant's inventory as read: `tracked` is true in variants stored before it existed. */
export const variantInventory = (variant: StoredVariant) =>
  variant.inventory === null ? null : { ...variant.inventory, tracked: variant.inventory.tracked ?? true };

/**
 * A variant's stock: its own with tracking per variant (none set is 0; an untracked one always in
 * stock), else the product's.
 */
export function variantInStock(fields: ProductFields, variant: StoredVariant): boolean {
  if (fields.inventory.tracking !== "variant") return inStock(fields);
  const stock = variantInventory(variant) ?? { quantity: 0, allow_backorder: false, tracked: true };
  return !stock.tracked || stock.quantity > 0 || stock.allow_backorder;
}

/**
 * In stock: always when stock is not tracked; per product, above 0 or with backorders allowed; per
 * variant, when a visible variant is.
 */
export function inStock(fields: ProductFields): boolean {
  const { inventory } = fields;
  if (inventory.tracking === "none") return true;
  if (inventory.tracking === "product") return inventory.quantity > 0 || inventory.allow_backorder;
  return fields.variants.some((variant) => variant.visible && variantInStock(fields, variant));
}

/**
 * What every representation of a product (the API's, the storefront's) computes the same way
 * when it is read: defaults that follow other fields, and the novelty window.
 */
export const derivedFields = (fields: ProductFields, now: number) => ({
  shippable: fields.shippable ?? fields.type === "physical",
  default_currency: fields.default_currency ?? fields.prices[0]?.currency ?? null,
  is_new:
    (fields.new_from !== null || fields.new_to !== null) && insideWindow(fields.new_from, fields.new_to, now),
});

export const imageUrl = (origin: string, imageId: string) => `${origin}/images/${imageId}`;

/** The API representation of a stored product; `origin` makes the image urls absolute. */
export function toProduct(row: ProductRow, origin: string, now = Date.now()) {
  const fields = storedFields(row);
  const derived = derivedFields(fields, now);
  return {
    id: row.id,
    object: "product" as const,
    org_id: row.orgId,
    // Set by every insert since migration 0020, which numbered the products before it.
    number: row.number as number,
    name: fields.name,
    description: fields.description,
    status: fields.status,
    type: fields.type,
    shippable: derived.shippable,
    schedule_appointment: fields.schedule_appointment,
    sku: fields.sku,
    gtin: fields.gtin,
    tax_category: fields.tax_category,
    tax_behavior: fields.tax_behavior,
    prices: fields.prices,
    default_currency: derived.default_currency,
    features: fields.features,
    tags: fields.tags,
    props: fields.props,
    agent_ids: fields.agent_ids,
    slug: fields.slug,
    seo: fields.seo,
    default_locale: fields.default_locale,
    // Every stored localization has its slug (the write generates missing ones).
    localizations: fields.localizations as Record<string, Localization & { slug: string }>,
    visible: fields.visible,
    buyable: fields.buyable,
    on_sale: fields.on_sale,
    discountable: fields.discountable,
    reviews_allowed: fields.reviews_allowed,
    exclude_from_feeds: fields.exclude_from_feeds,
    available_from: fields.available_from,
    available_to: fields.available_to,
    new_from: fields.new_from,
    new_to: fields.new_to,
    is_available: insideWindow(fields.available_from, fields.available_to, now),
    is_new: derived.is_new,
    attributes: fields.attributes,
    custom_fields: fields.custom_fields,
    allowed_countries: fields.allowed_countries,
    destination: fields.destination,
    related_product_ids: fields.related_product_ids,
    options: fields.options,
    variants: fields.variants.map((variant) => ({
      ...variant,
      inventory: variantInventory(variant),
      in_stock: variantInStock(fields, variant),
    })),
    variant_pricing: fields.variant_pricing,
    inventory: fields.inventory,
    in_stock: inStock(fields),
    images: storedImages(row).map((image) => ({
      id: image.id,
      object: "image" as const,
      url: imageUrl(origin, image.id),
      source_url: image.source_url,
      content_type: image.content_type,
      size_bytes: image.size_bytes,
      width: image.width,
      height: image.height,
      orientation: image.orientation,
      sha256: image.sha256,
      alt: image.alt,
      position: image.position,
      created_at: image.created_at,
    })),
    total_scans: row.totalScans,
    last_scanned_at: row.lastScannedAt,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    created_by: row.createdBy,
    updated_by: row.updatedBy,
  };
}
