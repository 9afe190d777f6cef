import { z } from "@hono/zod-openapi";
import { ListMeta, Timestamp } from "../shared/schemas";
import { CUSTOM_FIELD_TYPES, STATUSES, TYPES } from "./products.input";

// What the API answers: the product (with its images and, in a write's answer, the image URLs that
// failed), a list page of them, a deleted product.

/** Fields the API sets; a client may send them back unchanged and they are ignored. */
export const READ_ONLY_FIELDS = [
  "id",
  "object",
  "org_id",
  "number",
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
    number: z.int().min(1).openapi({
      example: 42,
      description:
        "The product's number in its org: 1, 2, 3, … in the order of creation, never reused. The Wethod dialect's `id`.",
    }),
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
        inventory: z
          .object({ quantity: z.int(), allow_backorder: z.boolean(), tracked: z.boolean() })
          .nullable(),
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
