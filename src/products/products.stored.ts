import type { products } from "../db/schema";
import type { Orientation } from "../lib/exif";
import { PRODUCT_DEFAULTS } from "./products.defaults";
import type { ProductInput } from "./products.input";

// The stored form of a product: the row, its `data` (ProductFields) and `images` (StoredImage), read
// back whole (fields added since a row was written take their defaults).

export type Price = {
  currency: string;
  amount: number;
  compare_at_amount: number | null;
  cost_amount: number | null;
  markup_percent: number | null;
};

/**
 * The writable fields of a product as stored in `products.data`: validated and normalised.
 * `shippable` and `default_currency` are kept only when the client set them (see keepsDefault);
 * otherwise they follow `type` and `prices` (so a later patch of those moves them along).
 */
export type ProductFields = Omit<
  ProductInput,
  "shippable" | "default_currency" | "prices" | "image_urls" | "localizations" | "slug" | "variants"
> & {
  variants: StoredVariant[];
  /** null until the write fills it (a generated slug), and in products stored before slugs. */
  slug: string | null;
  shippable?: boolean;
  default_currency?: string;
  prices: Price[];
  /** By canonical locale, the default locale's own entry folded into the product's fields. */
  localizations: Record<string, Localization>;
};

/**
 * A variant as stored: its id stays while its option combination does. `inventory.tracked` is
 * absent in variants stored before it existed: those are tracked (variantInventory).
 */
export type StoredVariant = {
  id: string;
  options: Record<string, string>;
  sku: string | null;
  gtin: string | null;
  prices: { currency: string; amount: number }[];
  inventory: { quantity: number; allow_backorder: boolean; tracked?: boolean } | null;
  visible: boolean;
  image_ids: string[];
};

/** null until the write fills it (a generated slug); stored products always have one. */
export type Localization = {
  name: string;
  description: string | null;
  slug: string | null;
  seo: { title: string | null; description: string | null };
};

export type ProductRow = typeof products.$inferSelect;

/**
 * The stored writable fields of a row, with the defaults of fields added since it was written (the
 * same as a new product's), so that every stored row reads as a whole product.
 */
export const storedFields = (row: Pick<ProductRow, "data">): ProductFields =>
  ({
    ...(PRODUCT_DEFAULTS satisfies Omit<ProductFields, "name" | "shippable" | "default_currency">),
    ...(JSON.parse(row.data) as Partial<ProductFields>),
  }) as ProductFields;

/** An image as products.images keeps it (see migrations 0004 and 0014). */
export type StoredImage = {
  id: string;
  source_url: string | null;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  orientation: Orientation;
  sha256: string;
  alt: string | null;
  position: number;
  created_at: string;
};

/**
 * The images of a row. products.images written before migration 0014 (and the event snapshots
 * taken of it) has no `orientation`: those images are orientation 1, with the size as stored.
 */
export const storedImages = (row: Pick<ProductRow, "images">): StoredImage[] =>
  (JSON.parse(row.images) as (Omit<StoredImage, "orientation"> & { orientation?: Orientation })[]).map(
    (image) => ({ ...image, orientation: image.orientation ?? 1 }),
  );

/** The writable fields as a client would send them, for a merge patch to apply to. */
export function writableFields(row: ProductRow): Record<string, unknown> {
  return storedFields(row) as unknown as Record<string, unknown>;
}
