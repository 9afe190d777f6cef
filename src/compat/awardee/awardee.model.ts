import { z } from "@hono/zod-openapi";
import type { ImageReport } from "../../images/images.stage";
import { ProductInput, type ProductRow, toProduct } from "../../products";
import { STATUSES } from "../../products/products.input";
import { Timestamp } from "../../shared/schemas";
import { fieldNames, uuidOf } from "../dialect";

// Awardee's product, as its create page documents it (docs/compat.md, "Awardee"): the /v1 fields
// under their /v1 names, a UUID for an id (the product's ULID, bit for bit), `destination` always
// an object and `failed_image_urls` only when an image failed.

const fields = ProductInput.shape;

export const AwardeeProductInput = z
  .strictObject({
    name: fields.name,
    gtin: fields.gtin,
    description: fields.description,
    destination: fields.destination,
    status: fields.status,
    image_urls: fields.image_urls,
  })
  .openapi("AwardeeProductInput", {
    example: {
      name: "Espresso machine",
      gtin: "4006381333931",
      description: "15 bar pump, stainless steel body.",
      destination: { url: "https://example.com/espresso" },
      image_urls: ["https://cdn.example.com/espresso-front.jpg"],
    },
  });

const Uuid = z.uuid().openapi({ example: "01936d1c-9e47-b1b8-5c43-7c5f1a2b3c4d" });

export const AwardeeProduct = z
  .object({
    object: z.literal("product"),
    id: Uuid.openapi({ description: "The product's id: its ULID's 128 bits as a UUID." }),
    name: z.string(),
    gtin: z.string().nullable(),
    description: z.string().nullable(),
    status: z.enum(STATUSES),
    destination: z
      .object({
        chatbot: z.uuid().optional(),
        page: z.uuid().optional(),
        knowledge_base: z.uuid().optional(),
        url: z.string().optional(),
      })
      .openapi({ description: "Where a scan leads; `{}` when nowhere is set." }),
    total_scans: z.int(),
    last_scanned_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
    failed_image_urls: z.array(z.string()).optional().openapi({
      description:
        "URLs from the request's image_urls that could not be fetched or attached. Only present when at least one URL failed.",
    }),
  })
  .openapi("AwardeeProduct");

/** Awardee names the /v1 fields as /v1 does. */
export const awardeeNames = fieldNames({});

/** The stored product as Awardee answers it; `failed_image_urls` from the write's report. */
export function toAwardee(row: ProductRow, origin: string, report: ImageReport = {}) {
  const product = toProduct(row, origin);
  return {
    object: "product" as const,
    id: uuidOf(product.id),
    name: product.name,
    gtin: product.gtin,
    description: product.description,
    status: product.status,
    destination: product.destination ?? {},
    total_scans: product.total_scans,
    last_scanned_at: product.last_scanned_at,
    created_at: product.created_at,
    updated_at: product.updated_at,
    ...(report.failed_image_urls ? { failed_image_urls: report.failed_image_urls } : {}),
  };
}
