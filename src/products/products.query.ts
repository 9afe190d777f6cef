import { z } from "@hono/zod-openapi";
import { DateOrDateTime, identifier, PageLimit, text } from "../shared/schemas";
import { STATUSES, TYPES } from "./products.input";

// GET /v1/products's query (the storefront's list takes part of it).

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
